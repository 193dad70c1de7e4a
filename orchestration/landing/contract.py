"""The landing contract (docs/landing.md) as data.

Every landing object is described once here; ingestion, the dbt sources file and the sample
data generator all read this table, so a new column or object is added in one place.

Two shapes of raw table exist:
- ``tabular`` objects (CRM CSVs, marketing/finance/product files) keep one VARCHAR column per
  contract column, named exactly as in the contract, plus ``_extra`` (JSON of unknown columns);
- ``document`` objects (Stripe API objects, HubSpot email events) keep ``id`` and the whole
  object as ``record`` JSON, because they nest (invoice lines, price.recurring, metadata).
Both carry the lineage columns ``_source_file``, ``_line``, ``_load_id``, ``_loaded_at``.
Values stay untyped in raw; the contract's types are checked at load (bad rows are quarantined)
and applied in staging.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Column value kinds, checked at ingestion. Empty string is null for every kind.
ID = "id"
TEXT = "text"
SF_DATETIME = "sf_datetime"  # 2024-03-05T14:22:11.000Z / +0000
ISO_DATETIME = "iso_datetime"  # ISO 8601 with offset (marketing touches)
DATE = "date"  # 2024-03-05
MONTH = "month"  # 2024-03
BOOL = "bool"  # true/false any case, 1/0
NUMBER = "number"  # decimal number
INTEGER = "integer"
EPOCH_S = "epoch_s"  # Unix epoch seconds (Stripe)
EPOCH_MS = "epoch_ms"  # Unix epoch milliseconds (HubSpot)
DUPLICATE_DECISION = "duplicate_decision"  # accept / reject (any case)
LEAKAGE_TYPE = "leakage_type"  # one of LEAKAGE_TYPES (any case)
LEAKAGE_DECISION = "leakage_decision"  # one of LEAKAGE_DECISION_VALUES (any case)
LEAKAGE_TYPES = ("won_not_billed", "billed_below_contract", "unpaid_invoice", "billing_without_crm")
LEAKAGE_DECISION_VALUES = ("confirmed", "dismissed", "resolved")

LINEAGE_COLUMNS = ("_source_file", "_line", "_load_id", "_loaded_at")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = TEXT
    required: bool = False  # the column must exist in the file header / object keys
    not_null: bool = False  # ...and every row must carry a value


@dataclass(frozen=True)
class LandingObject:
    source: str
    name: str  # folder name, exactly as in the contract (case-sensitive)
    table: str  # raw table name in schema ``raw``
    shape: str  # "tabular" or "document"
    columns: tuple[Column, ...] = field(default_factory=tuple)
    key: str | None = None  # record identifier column, when the object has one

    @property
    def folder(self) -> str:
        return f"{self.source}/{self.name}"

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _cols(required: list[tuple[str, str]], optional: list[tuple[str, str]]) -> tuple[Column, ...]:
    return tuple(Column(n, k, required=True, not_null=(k == ID or n in ("Id", "id"))) for n, k in required) + tuple(
        Column(n, k) for n, k in optional
    )


def _sf(name: str, table: str, required, optional) -> LandingObject:
    return LandingObject("crm", name, table, "tabular", _cols(required, optional), key="Id")


OBJECTS: tuple[LandingObject, ...] = (
    # --- crm: Salesforce Data Export ------------------------------------------------------
    _sf(
        "Account", "crm_account",
        [("Id", ID), ("Name", TEXT), ("CreatedDate", SF_DATETIME)],
        [("LastModifiedDate", SF_DATETIME), ("Website", TEXT), ("Industry", TEXT),
         ("NumberOfEmployees", INTEGER), ("BillingCountry", TEXT), ("Type", TEXT),
         ("OwnerId", TEXT), ("ParentId", TEXT), ("IsDeleted", BOOL)],
    ),
    _sf(
        "Contact", "crm_contact",
        [("Id", ID), ("Email", TEXT), ("CreatedDate", SF_DATETIME)],
        [("LastModifiedDate", SF_DATETIME), ("AccountId", TEXT), ("FirstName", TEXT),
         ("LastName", TEXT), ("Title", TEXT), ("LeadSource", TEXT), ("OwnerId", TEXT),
         ("IsDeleted", BOOL)],
    ),
    _sf(
        "Lead", "crm_lead",
        [("Id", ID), ("Email", TEXT), ("Status", TEXT), ("CreatedDate", SF_DATETIME)],
        [("LastModifiedDate", SF_DATETIME), ("FirstName", TEXT), ("LastName", TEXT),
         ("Company", TEXT), ("Website", TEXT), ("LeadSource", TEXT), ("OwnerId", TEXT),
         ("IsConverted", BOOL), ("ConvertedDate", DATE), ("ConvertedAccountId", TEXT),
         ("ConvertedContactId", TEXT), ("ConvertedOpportunityId", TEXT), ("IsDeleted", BOOL)],
    ),
    _sf(
        "LeadHistory", "crm_lead_history",
        [("Id", ID), ("LeadId", ID), ("Field", TEXT), ("NewValue", TEXT), ("CreatedDate", SF_DATETIME)],
        [("OldValue", TEXT)],
    ),
    _sf(
        "Opportunity", "crm_opportunity",
        [("Id", ID), ("AccountId", TEXT), ("StageName", TEXT), ("CloseDate", DATE),
         ("CreatedDate", SF_DATETIME), ("IsClosed", BOOL), ("IsWon", BOOL)],
        [("LastModifiedDate", SF_DATETIME), ("Name", TEXT), ("Type", TEXT), ("Amount", NUMBER),
         ("CurrencyIsoCode", TEXT), ("Probability", NUMBER), ("ForecastCategoryName", TEXT),
         ("LeadSource", TEXT), ("CampaignId", TEXT), ("OwnerId", TEXT), ("IsDeleted", BOOL)],
    ),
    _sf(
        "OpportunityHistory", "crm_opportunity_history",
        [("Id", ID), ("OpportunityId", ID), ("StageName", TEXT), ("CreatedDate", SF_DATETIME)],
        [("Amount", NUMBER), ("Probability", NUMBER), ("ForecastCategory", TEXT), ("CloseDate", DATE)],
    ),
    _sf(
        "OpportunityContactRole", "crm_opportunity_contact_role",
        [("Id", ID), ("OpportunityId", ID), ("ContactId", ID)],
        [("Role", TEXT), ("IsPrimary", BOOL)],
    ),
    _sf(
        "User", "crm_user",
        [("Id", ID), ("Name", TEXT)],
        [("Email", TEXT), ("Title", TEXT), ("Department", TEXT), ("IsActive", BOOL), ("ManagerId", TEXT)],
    ),
    _sf(
        "Campaign", "crm_campaign",
        [("Id", ID), ("Name", TEXT)],
        [("Type", TEXT), ("Status", TEXT), ("StartDate", DATE), ("EndDate", DATE),
         ("BudgetedCost", NUMBER), ("ActualCost", NUMBER)],
    ),
    _sf(
        "CampaignMember", "crm_campaign_member",
        [("Id", ID), ("CampaignId", ID), ("CreatedDate", SF_DATETIME)],
        [("LeadId", TEXT), ("ContactId", TEXT), ("Status", TEXT), ("HasResponded", BOOL),
         ("FirstRespondedDate", DATE)],
    ),
    # --- marketing -------------------------------------------------------------------------
    LandingObject(
        "marketing", "ad_spend", "marketing_ad_spend", "tabular",
        _cols(
            [("date", DATE), ("platform", TEXT), ("account_id", TEXT), ("campaign_id", TEXT),
             ("campaign_name", TEXT), ("impressions", INTEGER), ("clicks", INTEGER),
             ("spend", NUMBER), ("currency", TEXT)],
            [("channel", TEXT), ("utm_campaign", TEXT)],
        ),
    ),
    LandingObject(
        "marketing", "touches", "marketing_touches", "tabular",
        _cols(
            [("touch_id", ID), ("occurred_at", ISO_DATETIME), ("touch_type", TEXT), ("channel", TEXT)],
            [("anonymous_id", TEXT), ("email", TEXT), ("utm_source", TEXT), ("utm_medium", TEXT),
             ("utm_campaign", TEXT), ("page_url", TEXT), ("referrer", TEXT)],
        ),
        key="touch_id",
    ),
    LandingObject(
        "marketing", "email_events", "marketing_email_events", "document",
        _cols(
            [("id", ID), ("type", TEXT), ("recipient", TEXT), ("created", EPOCH_MS),
             ("emailCampaignId", TEXT)],
            [("url", TEXT)],
        ),
        key="id",
    ),
    # --- billing: Stripe API objects -------------------------------------------------------
    LandingObject("billing", "customers", "billing_customers", "document",
                  _cols([("id", ID)], [("email", TEXT), ("name", TEXT), ("currency", TEXT),
                                       ("created", EPOCH_S), ("deleted", BOOL)]), key="id"),
    LandingObject("billing", "products", "billing_products", "document",
                  _cols([("id", ID)], [("name", TEXT)]), key="id"),
    LandingObject("billing", "prices", "billing_prices", "document",
                  _cols([("id", ID)], [("product", TEXT), ("currency", TEXT), ("unit_amount", INTEGER)]),
                  key="id"),
    LandingObject("billing", "subscriptions", "billing_subscriptions", "document",
                  _cols([("id", ID), ("customer", ID)],
                        [("status", TEXT), ("created", EPOCH_S), ("start_date", EPOCH_S),
                         ("trial_start", EPOCH_S), ("trial_end", EPOCH_S), ("canceled_at", EPOCH_S),
                         ("ended_at", EPOCH_S), ("current_period_start", EPOCH_S),
                         ("current_period_end", EPOCH_S)]), key="id"),
    LandingObject("billing", "invoices", "billing_invoices", "document",
                  _cols([("id", ID), ("customer", ID), ("status", TEXT), ("currency", TEXT),
                         ("created", EPOCH_S)],
                        [("subscription", TEXT), ("due_date", EPOCH_S), ("subtotal", INTEGER),
                         ("tax", INTEGER), ("total", INTEGER), ("amount_paid", INTEGER),
                         ("amount_remaining", INTEGER)]), key="id"),
    LandingObject("billing", "charges", "billing_charges", "document",
                  _cols([("id", ID)], [("customer", TEXT), ("invoice", TEXT), ("amount", INTEGER),
                                       ("amount_refunded", INTEGER), ("currency", TEXT),
                                       ("status", TEXT), ("created", EPOCH_S), ("failure_code", TEXT)]),
                  key="id"),
    LandingObject("billing", "refunds", "billing_refunds", "document",
                  _cols([("id", ID)], [("charge", TEXT), ("amount", INTEGER), ("currency", TEXT),
                                       ("status", TEXT), ("reason", TEXT), ("created", EPOCH_S)]),
                  key="id"),
    # --- finance ---------------------------------------------------------------------------
    LandingObject(
        "finance", "gtm_expenses", "finance_gtm_expenses", "tabular",
        _cols([("month", MONTH), ("department", TEXT), ("category", TEXT), ("amount", NUMBER),
               ("currency", TEXT)], []),
    ),
    LandingObject(
        "finance", "fx_rates", "finance_fx_rates", "tabular",
        _cols([("date", DATE), ("currency", TEXT), ("usd_per_unit", NUMBER)], []),
    ),
    # --- product (optional) ----------------------------------------------------------------
    LandingObject(
        "product", "usage_daily", "product_usage_daily", "tabular",
        _cols([("date", DATE), ("crm_account_id", TEXT), ("active_users", INTEGER), ("events", INTEGER)], []),
    ),
    # --- steward (optional): decisions people made in the review grid ----------------------
    LandingObject(
        "steward", "duplicate_decisions", "steward_duplicate_decisions", "tabular",
        (Column("record_id_a", ID, True, True), Column("record_id_b", ID, True, True),
         Column("decision", DUPLICATE_DECISION, True, True), Column("decided_by", TEXT, True),
         Column("decided_at", ISO_DATETIME, True, True), Column("note", TEXT)),
    ),
    LandingObject(
        "steward", "leakage_decisions", "steward_leakage_decisions", "tabular",
        (Column("leakage_type", LEAKAGE_TYPE, True, True), Column("reference_id", TEXT, True, True),
         Column("decision", LEAKAGE_DECISION, True, True), Column("decided_by", TEXT, True),
         Column("decided_at", ISO_DATETIME, True, True), Column("note", TEXT)),
    ),
)


BY_FOLDER: dict[str, LandingObject] = {o.folder: o for o in OBJECTS}
BY_TABLE: dict[str, LandingObject] = {o.table: o for o in OBJECTS}
SOURCES: tuple[str, ...] = ("crm", "marketing", "billing", "finance", "product", "steward")
