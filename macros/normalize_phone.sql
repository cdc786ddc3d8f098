{#-
  A phone number as WhatsApp writes ids: digits with the country code, e.g. 919811112222.
  CRM exports write "+91 98111 12222", "098111-12222", "0091 9811112222" or just "9811112222":
  keep the digits, drop an international 00 or a trunk 0, and give a 10-digit local number the
  default country code (var default_country_code). Empty becomes null.
-#}
{% macro normalize_phone(column) -%}
  {%- set digits = "regexp_replace(" ~ column ~ ", '[^0-9]', '', 'g')" -%}
  nullif(
    case
      when {{ digits }} like '00%' then substr({{ digits }}, 3)
      when length({{ digits }}) = 11 and {{ digits }} like '0%' then '{{ var("default_country_code") }}' || substr({{ digits }}, 2)
      when length({{ digits }}) = 10 then '{{ var("default_country_code") }}' || {{ digits }}
      else {{ digits }}
    end,
    ''
  )
{%- endmacro %}
