-- One row is: one extract, with its rows counted in the files, in staging and in the quarantine:
-- every row must end in exactly one of the two.
with counted as (
{% for extract in extracts() %}
    select
        '{{ extract }}' as extract,
        (select count(*) from {{ source('extracts', extract) }}) as rows_in_files,
        (select count(*) from {{ ref('stg_' ~ extract) }}) as rows_staging,
        (select count(*) from {{ ref('quarantine') }} where extract = '{{ extract }}') as rows_quarantine
    {{ "union all" if not loop.last }}
{% endfor %}
)

select
    extract,
    rows_in_files,
    rows_staging,
    rows_quarantine,
    rows_in_files = rows_staging + rows_quarantine as balanced,
    coalesce(rows_quarantine / nullif(rows_in_files, 0), 0) as quarantine_share
from counted
order by extract
