"""The generator's output, pinned: the sha256 of every file it writes (the ground
truth included) for a few small runs, recorded with the generator as it was
before it became the package scripts/generate/. A change to the generator that
is meant to keep the data must keep these; one that changes the data on purpose
(a planted parameter in scripts/generate/parameters.json, a new column) updates
them in the same commit, and says so.

Also the package's shape: no module over 600 lines, no function over 100."""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import pytest

from scripts import generate_data as gd

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "scripts" / "generate"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 100

# fmt: off
FULL_SCALE_001_SEED_11: dict[str, str] = {
    ".generated-by-generate_data": "26227f859d00de627ffca9449cefc2a1c35184f7929c78668951eefcaba0215e",
    "experiment_assignments.csv": "c6fb87fb4a1c94d3edcae710634818938e1819165a96e687c04de9917108bd7a",
    "finance_exchange_rates.csv": "92a1c327a0b2a6edd308ef388b638d66a7cc7f0a06f39cfca9048e70bec1bb9f",
    "ground_truth.json": "e0047ab6df6c344e4b33a6c897cd1bd5c9372ad632753ce0ec825a2da08612ef",
    "marketing_activity_participants.csv": "20740836a47da4dcbc4ccb1fd1990137ba963f81c111d69dc5518225bb1f6be8",
    "marketing_ad_spend.csv": "5af9f63dc2590067b030a75b4e6af98a3153259898db3999a033ec96f64b25bc",
    "marketing_content_stats.csv": "7124a081ee09b518f52e4f9c22740e92c939f57f8be4baff4d6f02a2939218f0",
    "org_headcount.csv": "7de5d79f0e4f0b5c054b77a5e6a50239eaa34245c44e52b20f926adde8b68d5e",
    "shop_customers.csv": "ba50d2a28e8a6a36f3ed5d62624384fe8c71f7b183b33c62eff93d8988af4dcf",
    "shop_inventory_snapshots.csv": "25d0a458ebdf3a0ae6bdfbbb054716391a52695cd20ae958056642cd97c6e245",
    "shop_order_items.csv": "55b4e3af154dbef8b7ce78148b79b097f5adf167836aa85cdebcd1f1e81b65e1",
    "shop_orders.csv": "cf9a5119fb328839461f4565eb708317764abca860660a98ed8bfb3c09b96910",
    "shop_payments.csv": "23c82126707ec783002e1557c159b8b8285ea505ea2ef68333b40eb4fe51a43f",
    "shop_products.csv": "ff3a66b4f39d8cd4233449f67a019829d5fe95397f0e2693b8f91bf86b4115dc",
    "shop_refunds.csv": "7d09762ef9ce8297b11aa97f207b409b025e9cb3f9b950a2987c9c61ba0e5b7e",
    "shop_reviews.csv": "538ffc13cfd904851ea5a689756933afa127e1d5ee1d13bdb95e2f57eb152a35",
    "shop_shipments.csv": "d07500e493a15968ea4888e0af371fab1b548f7779ddbb8b594c9fa4f5a1fee9",
    "support_tickets.csv": "c138d59816e491ef2abd3749f4f5fc90d49cda8ee9d8969ede425cfcee887f94",
    "survey_nps.csv": "2e850eec0d9ecae0860a71eab4ba4efa7605dde4cf7d0bdc41c5d550053f44ac",
    "web_events.csv": "ee8aaa34c18d30bb6f307bcc3b95f6c128cdb8239d5fe53afc127dd5bc6e238b",
}

MINIMAL_PROFILE_SCALE_001_SEED_11: dict[str, str] = {
    ".generated-by-generate_data": "50723857148ad7c4252d5b2503e9d79b833d378c16dbc24bc873ae81f8a863cf",
    "ground_truth.json": "05ad2cf2396b2bc95ed68157b8ea6ffaec41f065dfec076f58b8177246187e6b",
    "shop_customers.csv": "1e4c1f070d220afbae660baabb5317a5552c0a6faa9a514f899a413b45faf2ab",
    "shop_order_items.csv": "1edaa7571e1a2cb7226f8cb1625bad6c18c9ae1c9cd541d68b31cfc306396660",
    "shop_orders.csv": "6f60eac09cab9fe8dcb5dd6f67ca4a6a8538c44b9ca814b1d9c9753dc290fe3e",
    "shop_products.csv": "ab140177e7e406cef6e1fab3bbbb0292ada906bd9a71eafb08c46a89db5ac086",
}

GZIP_SCALE_001_SEED_5_JUNE_TO_DECEMBER: dict[str, str] = {
    ".generated-by-generate_data": "26227f859d00de627ffca9449cefc2a1c35184f7929c78668951eefcaba0215e",
    "experiment_assignments.csv.gz": "8ead47ad13cae6de0a146354f2b4f5f5e61f19c493012bdd328020fd6e448690",
    "finance_exchange_rates.csv.gz": "5e894e7db0ba0bfe5f69c2355d6a47e58fff7e2b4d7a3ba15b8d983d6c3fe04f",
    "ground_truth.json": "ad718d0c1de613fbdb0ad4da1776291eebdd920b4229c2009325b98eb720836e",
    "marketing_activity_participants.csv.gz": "d006dd70dfadb29ad78770178058ba35dffd6aba9cd793002308a5aafbd48828",
    "marketing_ad_spend.csv.gz": "a15db06345ae195915107031610c772137053cb1424589d5e3f84bb50dba3c42",
    "marketing_content_stats.csv.gz": "419566b2a2cd0c45d161e898760928c0653d2d6b1ca20e3f0b102549836e5f78",
    "org_headcount.csv.gz": "8d8dcf76e4520c8835860ab8bfe379fa2dc610bcb4a618d7bb92984b84bfd85f",
    "shop_customers.csv.gz": "086767881d5f59d64970b57943df8e1b17b25dd9518e7bd5214f83b82cdfa062",
    "shop_inventory_snapshots.csv.gz": "cc17948b69a609adf6e839215340a472d434587a01cb1701b4fa14edc6f62a2c",
    "shop_order_items.csv.gz": "facf7c8d48595caeb6f8fc2a5c136743a23657e4ad6f0dbb83ad748260d3692c",
    "shop_orders.csv.gz": "a4de68ce5239495964f2373c676917193b13f8425b72888414ab3f814332af4b",
    "shop_payments.csv.gz": "9c8582ca5ed7486442026e4e4c5e834ec421d82e99a0f1567b5b5ef60537ca43",
    "shop_products.csv.gz": "9cb730685b8fae8ab9ae50772d2d7a1758c870c48fcf56e921590da1d78f52f7",
    "shop_refunds.csv.gz": "d0ab0323fa9ad9cd353ad528a5c9ff35d17e732d1a61824d483e65d6cca2c4ff",
    "shop_reviews.csv.gz": "d2ff046d1180ed42e93b1ac8cd5a3657934af48f393ed53ae5fe921cf22ca8d1",
    "shop_shipments.csv.gz": "40f831f87006e16c66b727cb1eb07d01762ee9f5ccbbe9165a4b8c06eb100564",
    "support_tickets.csv.gz": "c57d31044482aeb50f489162827018a8c99bc6676efd14c40ef97ce373feb886",
    "survey_nps.csv.gz": "4a31c19a824f99b69beee22b8436b016f77e9a52d31ce140d5e2cef680e3f4c8",
    "web_events.csv.gz": "0941ff7efb418f901639afb21b73dd080c5aa5737b77c48963dece0d867a1d03",
}
# fmt: on

RUNS = {
    "full": (["--scale", "0.01", "--seed", "11"], FULL_SCALE_001_SEED_11),
    "minimal": (
        ["--scale", "0.01", "--seed", "11", "--profile", "minimal"],
        MINIMAL_PROFILE_SCALE_001_SEED_11,
    ),
    "gzip": (
        [
            "--scale",
            "0.01",
            "--seed",
            "5",
            "--start",
            "2025-06-01",
            "--end",
            "2025-12-31",
            "--format",
            "csv.gz",
        ],
        GZIP_SCALE_001_SEED_5_JUNE_TO_DECEMBER,
    ),
}


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("run", sorted(RUNS))
def test_output_is_byte_identical_to_the_pinned_digests(tmp_path: Path, run: str) -> None:
    args, expected = RUNS[run]
    assert gd.main(["--out", str(tmp_path), *args]) == 0
    got = _digests(tmp_path)
    assert sorted(got) == sorted(expected)
    changed = sorted(name for name in expected if got[name] != expected[name])
    assert not changed, f"generated files differ from the pinned output: {changed}"


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_of_the_generator_package_is_over_600_lines() -> None:
    assert _modules(), PACKAGE
    long = {p.name: n for p in _modules() if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES}
    assert not long, f"split these modules of scripts/generate/: {long}"
    entry = ROOT / "scripts" / "generate_data.py"
    assert len(entry.read_text().splitlines()) <= 100, "scripts/generate_data.py stays a thin entry point"


def test_no_function_of_the_generator_package_is_over_100_lines() -> None:
    long = {}
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long[f"{path.name}:{node.name}"] = n
    assert not long, f"split these functions: {long}"
