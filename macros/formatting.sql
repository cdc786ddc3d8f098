{#- Rupees the way an Indian owner reads them: ₹45,000; ₹1.5 lakh; ₹2.3 crore. -#}
{% macro format_inr(amount) -%}
  case
    when {{ amount }} is null then null
    when {{ amount }} >= 10000000 then '₹' || regexp_replace(cast(round({{ amount }} / 10000000, 1) as varchar), '\.0$', '') || ' crore'
    when {{ amount }} >= 100000 then '₹' || regexp_replace(cast(round({{ amount }} / 100000, 1) as varchar), '\.0$', '') || ' lakh'
    else '₹' || format('{:,}', cast(round({{ amount }}) as bigint))
  end
{%- endmacro %}

{#- A duration in words for a sentence: 45 s, 12 min, 3 h, 2 days. -#}
{% macro human_duration(seconds) -%}
  case
    when {{ seconds }} is null then null
    when abs({{ seconds }}) < 60 then cast(abs({{ seconds }}) as bigint) || ' s'
    when abs({{ seconds }}) < 3600 then cast(round(abs({{ seconds }}) / 60) as bigint) || ' min'
    when abs({{ seconds }}) < 172800 then cast(round(abs({{ seconds }}) / 3600) as bigint) || ' h'
    else cast(round(abs({{ seconds }}) / 86400) as bigint) || ' days'
  end
{%- endmacro %}
