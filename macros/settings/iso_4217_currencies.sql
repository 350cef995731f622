{#- The ISO-4217 codes accepted as reporting_currency and
    exchange_rates_quote_currency: the active currencies of the ISO-4217 list
    (legal tender of some country today), without fund codes, precious metals,
    bond-market units and testing codes (XAU, XTS, ...). The one list: the
    settings check (setting_value) reads it, and scripts/run_pipeline.py reads
    the codes between the quotes below from this file. -#}
{% macro iso_4217_currencies() -%}
    {%- set codes = "
        AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB
        BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK
        DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL
        HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD
        KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR
        MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG
        QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC
        SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES
        VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
    " -%}
    {{ return(codes.split()) }}
{%- endmacro %}
