{#-
  Message-level staging models are incremental: raw tables only ever gain rows (one per natural
  key), so a build appends the rows whose key the model does not have yet. The CLI starts a build
  from a copy of the previous warehouse only when nothing that shapes these tables changed (see
  pipeline/build-fingerprint.ts); otherwise the tables do not exist and the models build in full.
-#}
{#- The filter that keeps only rows whose key the model lacks; nothing on a full build. -#}
{% macro only_new_rows(key) -%}
  {%- if is_incremental() %}
where {{ key }} not in (select {{ key }} from {{ this }})
  {%- endif %}
{%- endmacro %}
