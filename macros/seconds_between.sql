{#- Whole wall-clock seconds from one instant to another (negative when end is earlier). -#}
{% macro seconds_between(start_at, end_at) -%}
  cast(round((epoch_ms({{ end_at }}) - epoch_ms({{ start_at }})) / 1000) as bigint)
{%- endmacro %}
