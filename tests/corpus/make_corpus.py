"""Writes tests/corpus/landing/: bad and awkward landing files, one kind per file.

Run ``python tests/corpus/make_corpus.py`` to regenerate (the output is deterministic: gzip
members carry mtime 0). The files are kept in the tree so they can be inspected as they are;
tests/test_ingest_corpus.py states, file by file, what ingestion must do with each one
(README.md in this folder lists them).
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
LANDING = HERE / "landing"

ACCOUNT_HEADER = ("Id,Name,CreatedDate,LastModifiedDate,Website,Industry,NumberOfEmployees,BillingCountry,Type,"
                  "OwnerId,ParentId,IsDeleted")
USER = "005000000000001AAA"


def acc(n: int) -> str:
    """An 18-character Account Id."""
    return f"0010000000{n:05d}AAA"


def row(n: int, name: str = None, created="2024-01-02T10:00:00.000Z", modified="2024-01-03T10:00:00.000Z",
        employees="50", deleted="false", extra_site=None) -> str:
    name = name if name is not None else f"Company {n}"
    site = extra_site or f"https://company{n}.example.com"
    return f"{acc(n)},{name},{created},{modified},{site},Software,{employees},US,Customer,{USER},,{deleted}"


def write(rel: str, data: bytes | str) -> None:
    p = LANDING / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def gz(data: str | bytes) -> bytes:
    return gzip.compress(data.encode("utf-8") if isinstance(data, str) else data, mtime=0)


def jl(*objs) -> str:
    return "".join(json.dumps(o, separators=(",", ":")) + "\n" for o in objs)


def main() -> None:
    shutil.rmtree(LANDING, ignore_errors=True)
    A = "crm/Account/"

    # 1. UTF-8 BOM, CRLF line endings, quoted commas, doubled quotes, a quoted CRLF inside a field,
    #    the +0000 datetime form, booleans in any case, an empty optional number.
    bom_crlf = "\ufeff" + "\r\n".join([
        ACCOUNT_HEADER,
        row(1, '"Acme, Inc."'),
        row(2, '"Globex ""The Big One"" GmbH"'),
        row(3, '"Multi\r\nline Ltd"'),
        row(4, "Initech", created="2024-01-02T10:00:00.000+0000", employees="", deleted="TRUE"),
    ]) + "\r\n"
    write(A + "2024-01-01_bom_crlf_quoted.csv", bom_crlf)

    # 2. Row-level contract violations next to valid rows.
    write(A + "2024-01-02_bad_values.csv", "\n".join([
        ACCOUNT_HEADER,
        row(5),                                                    # line 2: valid
        row(6, created="2024-02-30T10:00:00.000Z"),                # line 3: no such day
        row(7, deleted="yes"),                                     # line 4: not a boolean
        row(8, employees='"1,000"'),                               # line 5: thousands separator
        "," + row(99).split(",", 1)[1],                            # line 6: empty Id
        row(9, created="03/05/2024"),                              # line 7: US date
        row(10, modified="2024-03-05 14:22:11"),                   # line 8: no T, no zone
        row(11, created="2024-03-05T14:22:11Z"),                   # line 9: valid without milliseconds
        f"{acc(12)},only three,fields",                            # line 10: wrong field count
        row(13, employees="12.5"),                                 # line 11: not a whole number
    ]) + "\n")

    # 3. Unknown extra columns (kept in raw _extra), columns in another order, optional ones absent.
    write(A + "2024-01-03_extra_columns.csv",
          "Rating,Name,Id,Custom_Field__c,CreatedDate\n"
          f"Hot,Extra One,{acc(20)},x-1,2024-01-05T08:00:00.000Z\n"
          f"Cold,Extra Two,{acc(21)},,2024-01-05T08:00:00.000Z\n")

    # 4. The same record twice in one file: the later row wins downstream.
    write(A + "2024-01-04_repeated_record.csv", "\n".join([
        ACCOUNT_HEADER, row(30, "Old Name"), row(31), row(30, "New Name")]) + "\n")

    # 5. Byte-identical copy of file 1 under another name: loaded once.
    write(A + "2024-01-05_copy_of_bom_crlf.csv", bom_crlf)

    # 6. Latin-1 bytes (an Excel "CSV" export): rejected whole, other files still load.
    write(A + "2024-01-06_latin1.csv", (ACCOUNT_HEADER + "\n" + row(40, "Café Müller") + "\n").encode("latin-1"))

    # 7. A required column missing: rejected whole, naming the column.
    write(A + "2024-01-07_missing_required.csv", f"Id,Name\n{acc(41)},No Created Date\n{acc(42)},Neither\n")

    # 8. Empty file (0 bytes) and 9. header-only file.
    write(A + "2024-01-08_empty.csv", b"")
    write(A + "2024-01-09_header_only.csv", ACCOUNT_HEADER + "\r\n")

    # 10. gzip-compressed CSV with very long fields (a 100,000-character name, a 2 MB extra column).
    long_name = "L" * 100_000
    write(A + "2024-01-10_long_fields.csv.gz", gz(
        ACCOUNT_HEADER + ",Description\n" + row(50, long_name) + "," + "d" * 2_000_000 + "\n"
        + row(51) + ",short\n"))

    # 11. A truncated gzip stream: rejected whole.
    write(A + "2024-01-11_truncated.csv.gz", gz(ACCOUNT_HEADER + "\n" + "\n".join(row(60 + i) for i in range(200)) + "\n")[:300])

    # 12. UTF-16 (with its byte-order mark): rejected whole with a clear message.
    write(A + "2024-01-12_utf16.csv", (ACCOUNT_HEADER + "\n" + row(70) + "\n").encode("utf-16"))

    # 13. Header in the wrong case: the required columns are missing (names are case-sensitive).
    write(A + "2024-01-13_lowercase_header.csv", ACCOUNT_HEADER.lower() + "\n" + row(71) + "\n")

    # 14. A quote never closed: the rest of the file is one broken record; rows before it load.
    write(A + "2024-01-14_unclosed_quote.csv",
          ACCOUNT_HEADER + "\n" + row(72) + "\n" + row(73, '"Unclosed') + "\n" + row(74) + "\n")

    # 15. Blank lines between records (ignored), a NUL character in a value (row rejected).
    write(A + "2024-01-15_blank_lines_and_nul.csv",
          ACCOUNT_HEADER + "\n\n" + row(75) + "\n   \n" + row(76, "Nul\x00Byte") + "\n\n" + row(77) + "\n")

    # 16. Parquet with typed columns (timestamp with time zone, integer, boolean).
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    utc = dt.timezone.utc
    table = pa.table({
        "Id": [acc(80), acc(81)],
        "Name": ["Parquet One", "Parquet Two"],
        "CreatedDate": pa.array([dt.datetime(2024, 1, 6, 9, 30, tzinfo=utc), dt.datetime(2024, 1, 6, 23, 59, 59, 250000, tzinfo=utc)],
                                pa.timestamp("ms", tz="UTC")),
        "NumberOfEmployees": pa.array([12, None], pa.int64()),
        "IsDeleted": [False, False],
        "Region__c": ["EMEA", "APAC"],
    })
    (LANDING / A).mkdir(parents=True, exist_ok=True)
    pq.write_table(table, LANDING / A / "2024-01-16_typed.parquet")

    # 17. Not a Parquet file at all under a .parquet name.
    write(A + "2024-01-17_not_really.parquet", "Id,Name\nthis is text\n")

    # Files and folders outside the contract: warned about and ignored (or silently, when private).
    write(A + "notes.txt", "exported by Bob\n")
    write(A + "_manifest.csv", "private: ignored without a warning\n")
    write("crm/account/2024-01-01.csv", ACCOUNT_HEADER + "\n" + row(90) + "\n")  # wrong case
    write("crm/Widget/2024-01-01.csv", "Id\n1\n")
    write("erp/Invoices/2024-01-01.csv", "id\n1\n")

    # --- JSONL: HubSpot email events ----------------------------------------------------------
    E = "marketing/email_events/"
    ev = {"type": "SENT", "recipient": "alice@acme.example", "emailCampaignId": "c1"}
    lines = [
        json.dumps({"id": "e1", **ev, "created": 1704103200000}),                       # 1 valid
        json.dumps({"id": "e2", **ev, "created": "1704103200000"}),                     # 2 valid (string)
        json.dumps({"id": "e3", **ev, "created": 1.7041032e12}),                        # 3 valid (float, whole)
        '{"id": "e4", "type": "SENT", ',                                                 # 4 invalid JSON
        "[1, 2]",                                                                        # 5 not an object
        json.dumps({"id": "e5", "recipient": "a@b.example", "created": 1704103200000, "emailCampaignId": "c1"}),  # 6 no type
        json.dumps({"id": "e6", **ev, "created": "yesterday"}),                         # 7 bad epoch
        json.dumps({"id": None, **ev, "created": 1704103200000}),                       # 8 null id
        "",                                                                              # 9 blank
        json.dumps({"id": "e7", **ev, "created": 1704103200}),                          # 10 valid (s, still an integer)
        json.dumps({"id": "e1", **{**ev, "type": "OPEN"}, "created": 1704106800000, "hs_extra": {"x": 1}}),  # 11 e1 again
        json.dumps({"id": "e8", **ev, "created": 1704103200000.5}),                     # 12 fractional ms
    ]
    write(E + "2024-01-01_events.jsonl", "\r\n".join(lines) + "\r\n")
    write(E + "2024-01-02_events.jsonl.gz", gz(jl({"id": "e20", **ev, "created": 1704189600000},
                                                  {"id": "e21", **ev, "type": "CLICK", "created": 1704189660000,
                                                   "url": "https://x.example/?a=1,b=2"})))
    write(E + "2024-01-03_not_json.jsonl", "id,type,recipient\ne30,SENT,a@b.example\n")

    # --- touches: ISO datetimes with offsets, CSV and Parquet ----------------------------------
    T = "marketing/touches/"
    write(T + "2024-01-01_touches.csv",
          "touch_id,occurred_at,touch_type,channel,email\n"
          "t1,2024-01-05T11:30:00+02:00,page_view,Organic,alice@acme.example\n"
          "t2,2024-01-05,page_view,Organic,bob@acme.example\n"               # date only: rejected
          "t3,2024-01-05T09:30:00Z,form_submit,Paid Search,carol@acme.example\n")
    pq.write_table(pa.table({
        "touch_id": ["t10"], "occurred_at": pa.array([dt.datetime(2024, 1, 6, 7, 0, tzinfo=utc)], pa.timestamp("us", tz="UTC")),
        "touch_type": ["ad_click"], "channel": ["Google Ads"], "email": ["dan@acme.example"],
    }), _mk(T) / "2024-01-02_touches.parquet")

    # --- Stripe objects: nested fields staging casts -------------------------------------------
    B = "billing/"
    cust = {"object": "customer", "email": "billing@company1.example.com", "currency": "usd", "metadata": {}}
    write(B + "customers/2024-01-01_customers.jsonl", jl(
        {"id": "cus_1", **cust, "created": 1704103200, "metadata": {"crm_account_id": acc(1)}},
        {"id": "cus_2", **cust, "created": "2024-01-01"},                          # line 2: not epoch seconds
        {"id": "cus_3", **cust, "created": 1704103200, "deleted": "maybe"},        # line 3: not a boolean
    ))
    price = {"id": "price_m", "object": "price", "product": "prod_1", "currency": "usd", "unit_amount": 10000,
             "recurring": {"interval": "month", "interval_count": 1, "usage_type": "licensed"}}
    write(B + "prices/2024-01-01_prices.jsonl", jl(price))

    def invoice(i, **over):
        line = {"id": f"il_{i}", "object": "line_item", "type": "subscription", "amount": 10000, "currency": "usd",
                "quantity": 1, "proration": False, "period": {"start": 1704103200, "end": 1706781600},
                "price": price, "subscription": "sub_1", "subscription_item": "si_1", "discount_amounts": []}
        line.update(over.pop("line", {}))
        inv = {"id": f"in_{i}", "object": "invoice", "customer": "cus_1", "subscription": "sub_1", "status": "paid",
               "currency": "usd", "created": 1704103200, "subtotal": 10000, "tax": 0, "total": 10000,
               "amount_paid": 10000, "amount_remaining": 0, "status_transitions": {"paid_at": 1704103300},
               "lines": {"object": "list", "data": [line]}}
        inv.update(over)
        return inv

    write(B + "invoices/2024-01-01_invoices.jsonl", jl(
        invoice(1),                                                            # line 1 valid
        invoice(2, lines={"object": "list", "data": {"not": "a list"}}),       # line 2 lines.data not an array
        invoice(3, line={"amount": "12.5"}),                                   # line 3 fractional minor units
        invoice(4, status_transitions={"paid_at": "soon"}),                    # line 4 bad nested epoch
        invoice(5, line={"period": {"start": -1, "end": 1706781600}}),         # line 5 negative epoch
        invoice(6, line={"discount_amounts": [{"amount": 100}, {"amount": "ten"}]}),  # line 6 nested array value
    ))

    # --- a tabular object given as JSON Lines ---------------------------------------------------
    write("finance/fx_rates/2024-01-01_fx.jsonl", jl(
        {"date": "2024-01-01", "currency": "EUR", "usd_per_unit": 1.1},
        {"date": "2024-01-01", "currency": "GBP", "usd_per_unit": "1,27"},   # line 2 decimal comma
    ))


def _mk(rel: str) -> Path:
    p = LANDING / rel
    p.mkdir(parents=True, exist_ok=True)
    return p


if __name__ == "__main__":
    main()
    print(f"wrote {LANDING}")
