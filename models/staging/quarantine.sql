-- One row is: one row of an extract file that breaks a rule of the input contract, with the
-- contract's reason code and the row as text (CPR numbers masked, also in the file name: audit is not
-- restricted). This model only collects: each row's reason is decided in its parsed_<extract>
-- model, by the rules of macros/quarantine_rules.sql.
{% for extract in extracts() %}
select '{{ extract }}' as extract, {{ maskeret('_file') }} as file, _line as line, reason, raw_row
from {{ ref('parsed_' ~ extract) }}
where reason is not null
{{ "union all" if not loop.last }}
{% endfor %}
order by extract, file, line
