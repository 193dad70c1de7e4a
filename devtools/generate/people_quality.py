"""Planted people-quality cases (issue 9): near-duplicate people the deterministic rules miss, near
misses that must never be merged, emails of every verification status, and a steward's decisions.

Kept apart from crm.py so the CRM simulator stays as it is: ``attach`` watches the contacts the
simulator creates, ``plant`` adds Leads after it has run (with its own random stream, so the rest
of the generated data does not change) and ``truth`` is the ground-truth section
``people_quality``.

Near duplicates (same person, records the email / name_domain rules do not link):
  typo (one letter of the last name dropped), nickname (Bob for Robert), swapped (first and last
  name exchanged), free_mail (the same name at a free-mail address, no Website).
Near misses (different people): same_name_other_company, family (same last name and company,
another first name).
"""

from __future__ import annotations

import random

from . import vocab as V
from .crm import RecordInfo
from .util import DAY, normalise_email

DECISION_COLUMNS = ("record_id_a", "record_id_b", "decision", "decided_by", "decided_at", "note")
NEAR_DUPLICATE_KINDS = ("typo", "nickname", "swapped", "free_mail")
NEAR_MISS_KINDS = ("same_name_other_company", "family")
NICKNAME = {"Robert": "Bob", "William": "Bill", "Elizabeth": "Liz", "James": "Jim", "Michael": "Mike",
            "David": "Dave", "Daniel": "Dan", "Thomas": "Tom", "Joseph": "Joe", "Matthew": "Matt",
            "Steven": "Steve", "Anthony": "Tony", "Andrew": "Andy", "Samuel": "Sam", "Benjamin": "Ben",
            "Nicholas": "Nick", "Gregory": "Greg", "Timothy": "Tim", "Jennifer": "Jen", "Patricia": "Pat",
            "Susan": "Sue", "Kimberly": "Kim", "Rebecca": "Becky", "Margaret": "Meg", "Joshua": "Josh",
            "Jonathan": "Jon", "Richard": "Rick", "Charles": "Chuck", "Pamela": "Pam", "Deborah": "Deb",
            "Amanda": "Mandy", "Katharina": "Kate", "Maximilian": "Max"}
# Extra planted emails: (local part, domain, expected status, expected reasons in metrics.md codes)
EXTRA_EMAILS = (
    ("info", "gmail.com", "risky", ["role", "free_mail"]),
    ("sales", "mailinator.com", "invalid", ["disposable", "role"]),
    ("{f}.{l}", "yahoo.com", "valid", ["free_mail"]),
    ("{f}.{l}", "gmail.con", "risky", ["typo"]),
    ("{f}..{l}", "{d}", "invalid", ["syntax"]),
    ("support", "hotmial.com", "invalid", ["disposable", "role", "typo"]),  # on the disposable list too
    ("billing", "outlok.com", "risky", ["role", "typo"]),
)
_SHARE = 0.015  # of eligible contacts, each planted case kind


def _ascii(s: str) -> str:
    import unicodedata
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return "".join(ch for ch in s.lower() if ch.isalnum())


def make_sinks(sinks) -> None:
    sinks.make("steward", "duplicate_decisions", "csv", DECISION_COLUMNS, overlap=0)


class PeopleQuality:
    def __init__(self, ctx):
        self.ctx = ctx
        self.rng = random.Random(f"{ctx.seed}|people_quality")
        self.contacts: list[tuple] = []  # (person dict, account id, contact Rec)
        self.near_duplicates: list[dict] = []
        self.near_misses: list[dict] = []
        self.emails: dict[str, dict] = {}
        self.decisions: list[dict] = []

    def attach(self, crm) -> None:
        """Record every contact the simulator makes (wraps Crm.make_contact on this instance)."""
        make_contact = crm.make_contact

        def recording(p, acc_id, t, *args, **kwargs):
            rec = make_contact(p, acc_id, t, *args, **kwargs)
            self.contacts.append((p, acc_id, rec))
            return rec

        crm.make_contact = recording

    # ------------------------------------------------------------------ planting
    def _eligible(self, crm):
        seen = set()
        for p, acc_id, rec in self.contacts:
            row = rec.row
            email = row.get("Email", "")
            info = crm.record_info.get(rec.key, {})
            if (rec.key in seen or info.get("deleted") or "lastmod" not in info or not email
                    or email.strip().lower().split("@")[-1] != p["co"]["domain"]):
                continue
            seen.add(rec.key)
            yield p, acc_id, rec

    def _lead(self, crm, t: int, first: str, last: str, email: str, company: str, website: str) -> str | None:
        norm = normalise_email(email)
        if norm in crm.emails_used or t > crm.c.tend:
            return None
        crm.emails_used.add(norm)
        row = {"LastName": last, "FirstName": first, "Title": "", "Company": company, "Country": "",
               "Email": email, "Website": website, "LeadSource": "Web", "Status": V.S_OPEN,
               "OwnerId": crm.owner("sdr", t), "IsConverted": "false", "ConvertedDate": "",
               "ConvertedAccountId": "", "ConvertedContactId": "", "ConvertedOpportunityId": "",
               "IsUnreadByOwner": "true", "CreatedById": crm.integration_user}
        rec = crm.new("Lead", "00Q", t, row)
        crm.emit("Lead", rec)
        crm.people_recs.append({"key": crm.person_key(email, rec.key), "object": "Lead", "id": rec.key,
                                "created": t, "mql": None, "sql": None, "conv_opp": None, "lead_source": "Web"})
        crm._track_email(email, "Lead", rec.key)
        crm.record_info.setdefault(rec.key, RecordInfo())["converted"] = False
        return rec.key

    def plant(self, crm) -> None:
        rng = self.rng
        eligible = list(self._eligible(crm))
        companies = [co for co, _acc in crm.account_companies]
        kinds = NEAR_DUPLICATE_KINDS + NEAR_MISS_KINDS
        for i, (p, _acc_id, rec) in enumerate(eligible):
            if rng.random() >= _SHARE * len(kinds):
                continue
            kind = kinds[i % len(kinds)]
            co = p["co"]
            first, last = p["first"], p["last"]
            fa, la = _ascii(first), _ascii(last)
            t = rec.versions[0][0] + rng.randrange(10, 200) * DAY
            website, company = co["website"], co["name"]
            if kind == "typo":
                if len(last) < 5:
                    continue
                j = rng.randrange(1, len(last) - 1)
                new_last = last[:j] + last[j + 1:]
                lead = self._lead(crm, t, first, new_last, f"{fa[0]}{_ascii(new_last)}@{co['domain']}", company, website)
            elif kind == "nickname":
                if first not in NICKNAME:
                    continue
                nick = NICKNAME[first]
                lead = self._lead(crm, t, nick, last, f"{_ascii(nick)}.{la}@{co['domain']}", company, website)
            elif kind == "swapped":
                lead = self._lead(crm, t, last, first, f"{la}.{fa}@{co['domain']}", company, website)
            elif kind == "free_mail":
                lead = self._lead(crm, t, first, last, f"{fa}.{la}{rng.randrange(10, 99)}@gmail.com", company, "")
            elif kind == "same_name_other_company":
                other = companies[rng.randrange(len(companies))]
                if other["domain"] == co["domain"]:
                    continue
                lead = self._lead(crm, t, first, last, f"{fa}.{la}@{other['domain']}", other["name"], other["website"])
            else:  # family
                pool = [f for f in V.FIRST_NAMES[co["lang"]] if f != first and NICKNAME.get(f) != NICKNAME.get(first, "-")]
                sibling = pool[rng.randrange(len(pool))]
                lead = self._lead(crm, t, sibling, last, f"{_ascii(sibling)}.{la}@{co['domain']}", company, website)
            if lead is None:
                continue
            pair = {"a": min(rec.key, lead), "b": max(rec.key, lead), "kind": kind, "steward": None}
            (self.near_duplicates if kind in NEAR_DUPLICATE_KINDS else self.near_misses).append(pair)
        self._decide(crm)
        self._plant_emails(crm, eligible)

    def _decide(self, crm) -> None:
        """A steward accepts every fourth near duplicate and rejects every third near miss; one
        pair is first rejected and later accepted (the later decision wins), written b-a."""
        rng, c = self.rng, crm.c
        sink = self.ctx.sinks["steward/duplicate_decisions"]
        n = 0

        def write(a, b, decision, t, note=""):
            nonlocal n
            n += 1
            stamp = c.sf(t)[:19] + "+00:00"
            sink.add_one(f"decision-{n:06d}", t, {"record_id_a": a, "record_id_b": b, "decision": decision,
                                                  "decided_by": "steward@quantaflow.io", "decided_at": stamp,
                                                  "note": note})

        t0 = c.tend - 60 * DAY
        for i, pair in enumerate(self.near_duplicates):
            if i % 4 == 1:
                if i == 1:
                    write(pair["a"], pair["b"], "reject", t0 + i * 60, "first look")
                    write(pair["b"], pair["a"], "accept", t0 + i * 60 + DAY, "same person after all")
                else:
                    write(pair["a"], pair["b"], "accept", t0 + i * 60)
                pair["steward"] = "accept"
        for i, pair in enumerate(self.near_misses):
            if i % 3 == 0:
                write(pair["a"], pair["b"], "reject", t0 + i * 60 + 7)
                pair["steward"] = "reject"

    def _plant_emails(self, crm, eligible) -> None:
        """Leads whose email has a known verification result (metrics.md codes)."""
        rng = self.rng
        for i, (local, dom, status, reasons) in enumerate(EXTRA_EMAILS):
            if len(eligible) // 2 + i >= len(eligible):
                break
            p, _acc, rec = eligible[len(eligible) // 2 + i]
            co = p["co"]
            fa, la = _ascii(p["first"]), _ascii(p["last"])
            email = f"{local.format(f=fa, l=la)}@{dom.format(d=co['domain'])}"
            t = rec.versions[0][0] + rng.randrange(5, 100) * DAY
            # a distinct person (fresh name) so these Leads join no duplicate cluster
            names = V.FIRST_NAMES[co["lang"]], V.LAST_NAMES[co["lang"]]
            first, last = names[0][rng.randrange(len(names[0]))], names[1][rng.randrange(len(names[1]))]
            lead = self._lead(crm, t, first, last, email, co["name"], "")
            if lead is not None:
                self.emails[email] = {"status": status, "reasons": reasons, "records": [lead]}

    # ------------------------------------------------------------------ truth
    def truth(self) -> dict:
        return {
            "near_duplicates": self.near_duplicates,
            "near_misses": self.near_misses,
            "emails": self.emails,  # raw address as planted -> expected result
            "notes": "near_duplicates: pairs of one person the deterministic rules do not link (steward: the "
                     "planted decision, accept joins the pair to the clusters); near_misses: pairs of different "
                     "people (steward reject: never proposed). emails: planted addresses with their expected "
                     "dq_email_verification status and reasons",
        }
