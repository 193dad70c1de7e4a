"""Fixed vocabularies of the sample-data generator (names, picklists, catalog, dirt lists).

Everything here is plain data; order matters (random choices index into these tuples), so
append rather than reorder if you extend a list, or generated data will change.
"""

from __future__ import annotations

FIRST_NAMES = {
    "en": ("James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William",
           "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
           "Charles", "Karen", "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark",
           "Margaret", "Steven", "Sandra", "Paul", "Ashley", "Andrew", "Kimberly", "Joshua", "Emily",
           "Kevin", "Donna", "Brian", "Michelle", "George", "Carol", "Timothy", "Amanda", "Ryan",
           "Melissa", "Jacob", "Deborah", "Gary", "Stephanie", "Nicholas", "Rebecca", "Eric", "Laura",
           "Jonathan", "Sharon", "Stephen", "Cynthia", "Larry", "Kathleen", "Justin", "Amy", "Scott",
           "Angela", "Brandon", "Shirley", "Benjamin", "Anna", "Samuel", "Brenda", "Gregory", "Pamela",
           "Priya", "Raj", "Wei", "Mei", "Carlos", "Sofia", "Diego", "Lucia", "Omar", "Fatima",
           "Liam", "Olivia", "Noah", "Emma", "Ethan", "Ava", "Mason", "Isabella", "Logan", "Mia",
           "Chloe", "Zoe", "Nathan", "Grace", "Owen", "Hannah", "Caleb", "Leah", "Isaac", "Nora"),
    "de": ("Lukas", "Anna", "Jonas", "Lea", "Leon", "Hannah", "Felix", "Sophie", "Maximilian", "Marie",
           "Paul", "Laura", "Finn", "Julia", "Elias", "Lena", "Tobias", "Katharina", "Jan", "Sarah",
           "Moritz", "Johanna", "Florian", "Miriam", "Stefan", "Sabine", "Jürgen", "Birgit", "Uwe",
           "Claudia", "Matthias", "Anja", "Andreas", "Petra", "Sebastian", "Nina"),
    "fr": ("Lucas", "Emma", "Hugo", "Chloé", "Louis", "Camille", "Gabriel", "Léa", "Arthur", "Manon",
           "Jules", "Inès", "Nathan", "Sarah", "Théo", "Juliette", "Antoine", "Claire", "Julien",
           "Élodie", "Nicolas", "Céline", "Mathieu", "Amélie", "Pierre", "Margaux"),
    "nl": ("Daan", "Emma", "Sem", "Julia", "Lucas", "Tess", "Milan", "Sophie", "Bram", "Anouk",
           "Thijs", "Fleur", "Ruben", "Lotte", "Jesse", "Sanne", "Stijn", "Eva", "Joost", "Femke"),
    "ja": ("Hiroshi", "Yuki", "Takashi", "Aiko", "Kenji", "Haruka", "Satoshi", "Yui", "Daiki", "Sakura",
           "Kazuki", "Mei", "Ryo", "Nanami", "Shota", "Misaki", "Yuto", "Rin", "Kaito", "Hina"),
}
LAST_NAMES = {
    "en": ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
           "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
           "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
           "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
           "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
           "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans",
           "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris",
           "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson",
           "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson",
           "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes",
           "Price", "Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster",
           "O'Brien", "O'Connor", "McDonald", "Singh", "Chen", "Wang", "Shah", "Khan", "Fischer-Lee"),
    "de": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
           "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
           "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Werner",
           "Krause", "Lehmann", "Köhler", "Maier"),
    "fr": ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
           "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
           "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert"),
    "nl": ("de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
           "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
           "van Leeuwen", "Dekker", "Brouwer"),
    "ja": ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura",
           "Kobayashi", "Kato", "Yoshida", "Yamada", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue",
           "Kimura", "Hayashi", "Shimizu", "Yamazaki"),
}

# country -> (weight, currency, language, tld options, utc offset hours winter, dst?)
COUNTRIES = (
    ("United States", 0.46, "usd", "en", (".com", ".io", ".ai", ".co"), -5, True),
    ("Canada", 0.05, "usd", "en", (".ca", ".com"), -5, True),
    ("United Kingdom", 0.12, "gbp", "en", (".co.uk", ".com", ".io"), 0, True),
    ("Germany", 0.10, "eur", "de", (".de", ".com", ".io"), 1, True),
    ("France", 0.07, "eur", "fr", (".fr", ".com"), 1, True),
    ("Netherlands", 0.05, "eur", "nl", (".nl", ".com", ".io"), 1, True),
    ("Japan", 0.08, "jpy", "ja", (".co.jp", ".jp", ".com"), 9, False),
    ("Australia", 0.04, "usd", "en", (".com.au", ".com"), 10, False),
    ("Ireland", 0.03, "eur", "en", (".ie", ".com"), 0, True),
)
US_WEST = -8  # a share of US companies sit on the west coast

INDUSTRIES = ("Technology", "Financial Services", "Healthcare", "Retail", "Manufacturing",
              "Education", "Media", "Telecommunications", "Consulting", "Transportation",
              "Energy", "Hospitality", "Insurance", "Real Estate", "Biotechnology", "Government",
              "Not For Profit", "Agriculture", "Construction", "Entertainment")

CO_WORDS_A = ("Blue", "Bright", "North", "Silver", "Green", "Rapid", "Quantum", "Summit", "Atlas",
              "Nova", "Apex", "Crimson", "Golden", "Iron", "Clear", "Deep", "Swift", "Bold", "Prime",
              "Urban", "Lunar", "Solar", "Stellar", "Vector", "Pioneer", "Harbor", "Cedar", "Maple",
              "Granite", "Coral", "Echo", "Falcon", "Orbit", "Pixel", "Signal", "Titan", "Vertex",
              "Willow", "Zenith", "Aurora", "Beacon", "Cobalt", "Delta", "Ember", "Fjord", "Glacier",
              "Horizon", "Indigo", "Juniper", "Kestrel", "Lighthouse", "Meridian", "Nimbus", "Onyx",
              "Polar", "Quarry", "Redwood", "Sierra", "Tidal", "Umber", "Velvet", "Westwind", "Yellow",
              "Alpine", "Birch", "Canyon", "Dune", "Evergreen", "Frontier", "Gravity", "Highland",
              "Island", "Jade", "Keystone", "Lakeside", "Mosaic", "Northstar", "Oak", "Pacific",
              "Quartz", "River", "Stone", "Timber", "Union", "Valley", "Wave", "Crystal", "Hyper",
              "Bluebird", "Copper", "Drift", "Elm", "Fusion", "Grove", "Helix", "Ionic", "Kinetic",
              "Lattice", "Magnet", "Nexus", "Optic", "Prism", "Radiant", "Spark", "Terra", "Ultra")
CO_WORDS_B = ("Analytics", "Systems", "Labs", "Works", "Dynamics", "Logistics", "Health", "Foods",
              "Software", "Networks", "Capital", "Energy", "Robotics", "Media", "Studios", "Partners",
              "Solutions", "Cloud", "Data", "Security", "Bio", "Retail", "Motors", "Devices", "Apparel",
              "Learning", "Payments", "Insights", "Ventures", "Supply", "Freight", "Pharma", "Foundry",
              "Holdings", "Interactive", "Technologies", "Consulting", "Digital", "Mobility",
              "Outdoor", "Kitchens", "Homes", "Travel", "Markets", "Metrics", "Ops", "Signals",
              "Wireless", "Materials", "Brands", "Clinics", "Academy", "Exchange", "Fabrication",
              "Instruments", "Logic", "Machines", "Nutrition", "Optics", "Platforms")
LEGAL = {"en": ("Inc.", "LLC", "Corp.", "Ltd", "", "", "Group"), "de": ("GmbH", "AG", "GmbH & Co. KG", ""),
         "fr": ("SAS", "SA", "SARL", ""), "nl": ("B.V.", "N.V.", ""), "ja": ("K.K.", "Co., Ltd.", "")}

TITLES = ("VP Sales", "Head of Revenue Operations", "Sales Operations Manager", "CFO", "Controller",
          "VP Marketing", "Marketing Operations Manager", "Demand Generation Manager", "CEO", "COO",
          "Director of Finance", "Data Analyst", "Head of Growth", "CRO", "IT Manager",
          "Business Analyst", "Account Executive", "Customer Success Manager", "CTO", "Product Manager")
OCR_ROLES = ("Decision Maker", "Economic Buyer", "Technical Buyer", "Evaluator", "Influencer",
             "Executive Sponsor", "Business User")

FREE_MAIL = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "googlemail.com")
GMAIL_DOMAINS = ("gmail.com", "googlemail.com")
DISPOSABLE = ("mailinator.com", "guerrillamail.com", "10minutemail.com", "yopmail.com",
              "trashmail.com", "temp-mail.org", "sharklasers.com", "getnada.com")
TYPO_DOMAINS = {"gmial.com": "gmail.com", "gmal.com": "gmail.com", "gmai.com": "gmail.com",
                "hotmial.com": "hotmail.com", "hotmal.com": "hotmail.com", "yaho.com": "yahoo.com",
                "yahooo.com": "yahoo.com", "outlok.com": "outlook.com", "gnail.com": "gmail.com"}
ROLE_LOCAL = ("info", "sales", "admin", "support", "contact", "office", "marketing", "hello",
              "billing", "accounts", "team", "noreply", "finance", "hr")

# --- Salesforce picklists ------------------------------------------------------------------
LEAD_SOURCES = ("Advertisement", "Web", "Phone Inquiry", "Partner Referral", "Employee Referral",
                "External Referral", "Word of mouth", "Trade Show", "Webinar", "Seminar - Internal",
                "Seminar - Partner", "Purchased List", "Public Relations", "Other")
LEAD_SOURCE_CHANNEL = {"Advertisement": "paid_search", "Web": "direct", "Phone Inquiry": "direct",
                       "Partner Referral": "partner", "Employee Referral": "referral",
                       "External Referral": "referral", "Word of mouth": "referral",
                       "Trade Show": "events", "Webinar": "events", "Seminar - Internal": "events",
                       "Seminar - Partner": "events", "Purchased List": "other",
                       "Public Relations": "other", "Other": "other"}

S_OPEN = "Open - Not Contacted"
S_WORKING = "Working - Contacted"
S_MQL = "Marketing Qualified"
S_SQL = "Sales Qualified"
S_CONVERTED = "Closed - Converted"
S_NOT_CONVERTED = "Closed - Not Converted"
LEAD_STATUS_STAGE = {S_OPEN: "lead", S_WORKING: "lead", S_MQL: "mql", S_SQL: "sql",
                     S_CONVERTED: "lead", S_NOT_CONVERTED: "lead"}

# (StageName, default Probability, default ForecastCategoryName label)
OPEN_STAGES = (("Prospecting", 10, "Pipeline"), ("Qualification", 10, "Pipeline"),
               ("Needs Analysis", 20, "Pipeline"), ("Value Proposition", 50, "Pipeline"),
               ("Id. Decision Makers", 60, "Best Case"), ("Perception Analysis", 70, "Best Case"),
               ("Proposal/Price Quote", 75, "Best Case"), ("Negotiation/Review", 90, "Commit"))
STAGE_WON = ("Closed Won", 100, "Closed")
STAGE_LOST = ("Closed Lost", 0, "Omitted")
# Opportunity.ForecastCategoryName carries labels; OpportunityHistory.ForecastCategory the API value.
FORECAST_API = {"Pipeline": "Pipeline", "Best Case": "BestCase", "Commit": "Commit",
                "Closed": "Closed", "Omitted": "Omitted"}
LOSS_REASONS = ("Price", "Competitor", "No Decision", "Timing", "Missing Feature")

CAMPAIGN_TYPES = ("Webinar", "Trade Show", "Email", "Advertisement", "Content Syndication",
                  "Partners", "Conference")

# --- marketing -------------------------------------------------------------------------------
# canonical channel -> free-text values found in the touches export (the seed maps them)
CHANNEL_TEXT = {
    "paid_search": ("Paid Search", "paid_search", "cpc", "google / cpc", "bing / cpc"),
    "paid_social": ("Paid Social", "paid_social", "linkedin / paid", "facebook / paid"),
    "organic_search": ("Organic Search", "organic", "google / organic"),
    "email": ("Email", "email", "newsletter"),
    "events": ("Events", "webinar", "Webinar"),
    "referral": ("Referral", "referral"),
    "direct": ("Direct", "(direct) / (none)"),
    "partner": ("Partner", "partner"),
    "other": ("Other", "(other)"),
}
# inbound channel mix of new leads (canonical channel, weight)
CHANNEL_MIX = (("paid_search", 0.20), ("paid_social", 0.13), ("organic_search", 0.17),
               ("direct", 0.09), ("email", 0.03), ("events", 0.14), ("referral", 0.09),
               ("partner", 0.07), ("other", 0.05), ("unknown", 0.03))
# which LeadSource values a channel's leads carry, and whether they have a web touch before
CHANNEL_LEAD_SOURCES = {
    "paid_search": (("Advertisement",), True), "paid_social": (("Advertisement",), True),
    "organic_search": (("Web",), True), "direct": (("Web", "Phone Inquiry"), True),
    "email": (("Web", "Other"), True),
    "events": (("Trade Show", "Webinar", "Seminar - Internal", "Seminar - Partner"), False),
    "referral": (("Employee Referral", "External Referral", "Word of mouth"), False),
    "partner": (("Partner Referral",), False),
    "other": (("Purchased List", "Public Relations", "Other"), False),
    "unknown": (("",), False),
}
TOUCH_TYPES = ("page_view", "form_submit", "content_download", "webinar_registered",
               "webinar_attended", "demo_request", "ad_click", "email_click")

# ad platforms: (platform, account id, currency, [(campaign id, name, utm, channel override or
# None, share of spend, first month offset, last month offset or None)])
AD_PLATFORMS = (
    ("google_ads", "123-456-7890", "usd", (
        ("1789001234", "Search - Brand", "brand_search", None, 0.14, 0, None),
        ("1789001235", "Search - Generic RevOps", "generic_revops", None, 0.20, 0, None),
        ("1789001236", "Search - Competitor", "competitor", None, 0.08, 6, None),
        ("1789001237", "YouTube - Brand Video", "yt_brand_video", "other", 0.04, 12, 27),
    )),
    ("bing_ads", "B0123456", "usd", (
        ("5120009981", "Bing - Brand", "bing_brand", "paid_search", 0.03, 3, None),
        ("5120009982", "Bing - Generic", "bing_generic", None, 0.04, 3, None),
    )),
    ("linkedin_ads", "508123456", "usd", (
        ("612345001", "LinkedIn - ABM Enterprise", "li_abm", None, 0.17, 0, None),
        ("612345002", "LinkedIn - Lead Gen Forms", "li_leadgen", None, 0.10, 4, None),
        ("612345003", "LinkedIn - Partner Co-marketing", "li_partner", "partner", 0.03, 15, None),
    )),
    ("meta_ads", "act_2291045566", "eur", (
        ("23851234560001", "Meta - Retargeting EU", "meta_retargeting", None, 0.10, 2, None),
        ("23851234560002", "Meta - Lookalike", "meta_lookalike", "paid_social", 0.07, 8, None),
    )),
)
PLATFORM_UTM_SOURCE = {"google_ads": ("google", "cpc"), "bing_ads": ("bing", "cpc"),
                       "linkedin_ads": ("linkedin", "paid_social"), "meta_ads": ("facebook", "paid_social")}

EMAIL_URLS = ("https://www.quantaflow.io/blog/revops-metrics", "https://www.quantaflow.io/webinars",
              "https://www.quantaflow.io/pricing", "https://www.quantaflow.io/demo",
              "https://www.quantaflow.io/customers", "https://www.quantaflow.io/guides/forecasting")
PAGES = ("https://www.quantaflow.io/", "https://www.quantaflow.io/pricing",
         "https://www.quantaflow.io/product", "https://www.quantaflow.io/blog/nrr-explained",
         "https://www.quantaflow.io/blog/cac-payback", "https://www.quantaflow.io/integrations",
         "https://www.quantaflow.io/customers", "https://www.quantaflow.io/docs")

# --- billing catalog ---------------------------------------------------------------------------
CURRENCIES = ("usd", "eur", "gbp", "jpy")
MINOR_FACTOR = {"usd": 100, "eur": 100, "gbp": 100, "jpy": 1}
CURRENCY_SYMBOL = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥"}
# seat tiers: monthly unit amount per seat per currency (minor units); annual = 10 x monthly.
# "v1" prices were replaced by "v2" (price increase) half-way through the window.
TIERS = (
    ("starter", "Starter", {"usd": (2500, 2900), "eur": (2300, 2700), "gbp": (2000, 2400), "jpy": (3600, 4200)}),
    ("professional", "Professional", {"usd": (4900, 5900), "eur": (4500, 5500), "gbp": (3900, 4900), "jpy": (7200, 8800)}),
    ("enterprise", "Enterprise", {"usd": (8900, 9900), "eur": (8200, 9200), "gbp": (7200, 8200), "jpy": (13000, 15000)}),
)
ADDONS = (
    ("analytics_addon", "Advanced Analytics Add-on", {"usd": 1500, "eur": 1400, "gbp": 1200, "jpy": 2200}),
    ("connectors_addon", "Data Connectors Add-on", {"usd": 900, "eur": 850, "gbp": 750, "jpy": 1300}),
)
METERED = ("api_usage", "API Usage (per 1,000 calls)", {"usd": 20, "eur": 18, "gbp": 16, "jpy": 3})
ONBOARDING = ("onboarding", "Onboarding Package", {"usd": 150000, "eur": 140000, "gbp": 120000, "jpy": 220000})
TAX_BY_COUNTRY = {"United Kingdom": ("GB VAT", 20.0), "Japan": ("JCT", 10.0)}
COUNTRY_CODE = {"United States": "US", "Canada": "CA", "United Kingdom": "GB", "Germany": "DE",
                "France": "FR", "Netherlands": "NL", "Japan": "JP", "Australia": "AU", "Ireland": "IE"}
# coupon id -> (name, percent_off, amount_off {currency: minor} or None, duration, months)
COUPONS = {
    "LAUNCH20": ("Launch partner 20%", 20.0, None, "forever", None),
    "Q4DEAL15": ("Q4 deal 15% first year", 15.0, None, "repeating", 12),
    "WELCOME10": ("Welcome 10% for 3 months", 10.0, None, "repeating", 3),
    "FIRSTMONTH50": ("50% off first invoice", 50.0, None, "once", None),
    "PARTNER100": ("Partner program (free)", 100.0, None, "forever", None),
    "SAVE100": ("100 off for 6 months", None, {"usd": 10000, "eur": 9000, "gbp": 8000, "jpy": 15000}, "repeating", 6),
    "ONBOARD500": ("500 off first invoice", None, {"usd": 50000, "eur": 45000, "gbp": 40000, "jpy": 75000}, "once", None),
}
FAILURE_CODES = (("card_declined", "Your card was declined."),
                 ("insufficient_funds", "Your card has insufficient funds."),
                 ("expired_card", "Your card has expired."),
                 ("incorrect_cvc", "Your card's security code is incorrect."),
                 ("processing_error", "An error occurred while processing your card."))
CARD_BRANDS = ("visa", "mastercard", "amex")

GTM_CATEGORIES = ("salaries", "tools", "agencies", "events", "other")
VENDOR_DOMAIN = "quantaflow.io"


class Names:
    """The name lists the CRM simulator draws company and people names from (``generate(...,
    vocabulary=...)``): "full" is the lists above; "small" keeps only a few words of each, so a
    test runs out of random names after a few hundred companies and exercises the numbered
    fallbacks (crm.py ``new_company``, ``_users``) in seconds."""

    def __init__(self, co_words_a, co_words_b, first_names, last_names):
        self.co_words_a, self.co_words_b = co_words_a, co_words_b
        self.first_names, self.last_names = first_names, last_names


VOCABULARIES = {
    "full": Names(CO_WORDS_A, CO_WORDS_B, FIRST_NAMES, LAST_NAMES),
    "small": Names(CO_WORDS_A[:4], CO_WORDS_B[:3], {k: v[:3] for k, v in FIRST_NAMES.items()},
                   {k: v[:3] for k, v in LAST_NAMES.items()}),
}
