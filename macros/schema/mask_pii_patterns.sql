{#- The regular expressions mask_pii replaces (DECISIONLOG: PII masking in
    staging), one place for every engine's implementation and for
    tests/test_pii.py, which reads them from this file.

    email: local part, @ (or %40, URL-encoded), a domain with at least one dot
    and a top-level domain of two or more letters.
    phone, in three groups: (1) the character before the number (or the
    start), not a letter, digit, `_`, `.` or `-`, so digits inside ids, SKUs
    and decimals never start a match; (2) the number, one of: `+` and 8 to 15
    digits with at most two of ` ().-` between digits; an area code in
    parentheses and 7-8 more digits; three groups of 2-4, 3-4 and exactly 4
    digits split by a space, dot or hyphen (dates, times and thousands-grouped
    amounts never end in a 4-digit group after a 3-digit one); a leading 0 with
    2-4 digits and 5-8 more after a space or hyphen; 0 and five pairs of
    digits; (3) the character after (or the end), again not a letter, digit,
    `_`, `.` or `-`, except a final `.` or `-` followed by neither.
    phone_guard: what every phone match contains, 8 digits each at most two of
    ` ().-` from the next (the fewest digits of any form above is 8, and no
    form puts more than two characters between two digits): a cheap test
    that lets the masking skip the phone patterns on the values that cannot
    hold a number (DuckDB: most URLs, names and codes). -#}
{% macro mask_pii_patterns() -%}
    {{ return({
        'email': "[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:[.][A-Za-z0-9-]+)*[.][A-Za-z]{2,}",
        'phone': "(^|[^0-9A-Za-z_.-])("
            ~ "[+][0-9](?:[ ().-]{0,2}[0-9]){7,14}"
            ~ "|[(][0-9]{2,5}[)] ?[0-9]{3,4}[ .-]?[0-9]{4}"
            ~ "|[0-9]{2,4}[ .-][0-9]{3,4}[ .-][0-9]{4}"
            ~ "|0[0-9]{2,4}[ -][0-9]{5,8}"
            ~ "|0[1-9](?:[ .-][0-9]{2}){4}"
            ~ ")($|[^0-9A-Za-z_.-]|[.-]$|[.-][^0-9A-Za-z])",
        'phone_guard': "[0-9](?:[ ().-]{0,2}[0-9]){7}",
    }) }}
{%- endmacro %}
