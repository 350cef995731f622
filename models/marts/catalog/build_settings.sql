{#- The settings this warehouse was built with, one row per setting that shapes
    stored amounts and dates. Readers see the currency and zone of every money
    column and period; validate_build_settings refuses an incremental run whose
    settings differ from these (the incremental models would mix both). -#}
with

settings as (

    {% for name in build_settings_names() %}
        select
            '{{ name }}' as setting_name,
            cast({{ setting(name) }} as {{ dbt.type_string() }}) as setting_value
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        setting_name,
        setting_value
    from settings

)

select * from final
