#!/usr/bin/env python3
"""Writes coexist's bundled sample data: SampleData/{baseline,current,broken}/, README.md, expected-findings.json.

Deterministic and standard-library only: tenant ids are fixed below, subscription ids are derived from a
fixed name by SHA-256 (no randomness), dates are fixed. Run it from anywhere:

    python3 scripts/make-sample-data.py            # (re)write SampleData/
    python3 scripts/make-sample-data.py --check    # write to a temp dir and compare with SampleData/

After writing, the script reads its own files back with an independent reference implementation of the
rules (SPEC §4, exporting partner 4847383) and refuses to finish unless the findings it computes are
exactly the findings each tenant below declares as designed. expected-findings.json is that list.

The story: the CSP partner "Fabrikam Cloud Partner" (MPN 4847383) took over reseller relationships with a
dozen existing Microsoft 365 customers in October/November 2026. The baseline export set is as of
2026-10-01 (before most relationships, before any CSP purchase), the current one as of 2026-11-25.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import sys
import tempfile
import unicodedata
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "SampleData"

OUR = "4847383"          # exporting partner: Fabrikam Cloud Partner
OTHER = "5550001"        # another CSP partner: Vistula Cloud Services
BASE_ASOF = dt.date(2026, 10, 1)
CUR_ASOF = dt.date(2026, 11, 25)
BASE_EXPORTED = "2026-10-01T06:00:00Z"
CUR_EXPORTED = "2026-11-25T06:00:00Z"
PARTNER_DOMAIN = "fabrikamcloud.onmicrosoft.com"

# Advisor (partner of record) MPN ids used below.
ADVISORS = {
    "6123456": "Contoso Consulting GmbH",
    "2917350": "Northwind IT Services",
    "3304411": "Tailspin Licensing (LSP)",
    "4120087": "Adatum Advisory",
}

# ---------------------------------------------------------------------------------------------------
# Catalogue: real Microsoft 365 product names, SKU ids (Graph skuId) and NCE offer ids (product:sku).
# EUR prices are per user and month, rounded list prices; they only make the files look real. The files
# carry the price of one seat for one billing period (coexist's UnitPrice): × 12 for annual billing.
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Product:
    name: str
    sku: str
    offer: str
    eur: float


PRODUCTS = {
    "M365E3": Product("Microsoft 365 E3", "05e9a617-0261-4cee-bb44-138d3ef5d965", "CFQ7TTC0LFLX:0001", 36.00),
    "O365E3": Product("Office 365 E3", "6fd2c87f-b296-42f0-b197-1e91b994b900", "CFQ7TTC0LF8R:0001", 23.10),
    "O365E1": Product("Office 365 E1", "18181a46-0d4e-45cd-891e-60aabd171b4e", "CFQ7TTC0LF8Q:0001", 10.10),
    "BP": Product("Microsoft 365 Business Premium", "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", "CFQ7TTC0LCHC:0002", 22.00),
    "BS": Product("Microsoft 365 Business Standard", "f245ecc8-75af-4f8e-b61f-27d8114de5f3", "CFQ7TTC0LDPB:0001", 12.50),
    "BB": Product("Microsoft 365 Business Basic", "3b555118-da6a-4418-894f-7df1e2096870", "CFQ7TTC0LH18:0001", 6.00),
    "EXO1": Product("Exchange Online (Plan 1)", "4b9405b0-7788-4568-add1-99614e613b69", "CFQ7TTC0LH16:0001", 4.00),
    "EXO2": Product("Exchange Online (Plan 2)", "19ec0d23-8335-4cbd-94ac-6050e30712fa", "CFQ7TTC0LH1P:0001", 8.00),
    "PBI": Product("Power BI Pro", "f8a1db68-be16-40ed-86d5-cb42ce701560", "CFQ7TTC0LHSF:0001", 14.00),
    "TEAMSESS": Product("Microsoft Teams Essentials", "fde42873-30b6-436b-b361-21af5a6b84ae", "CFQ7TTC0JN4R:0002", 4.00),
    "APPSBIZ": Product("Microsoft 365 Apps for business", "cdd28e44-67e3-425e-be4c-737fab2899d3", "CFQ7TTC0LH1G:0001", 8.30),
    "VISIO2": Product("Visio Plan 2", "c5928f49-12ba-48f7-ada3-0d743a3601d5", "CFQ7TTC0HD32:0002", 15.00),
    "PROJ3": Product("Project Plan 3", "53818b1b-4a27-454b-8896-0dba576410e6", "CFQ7TTC0HDB0:0002", 30.00),
}

# Legacy (pre-NCE) offer ids are GUIDs; Open and old direct subscriptions still carry them.
LEGACY_OFFERS = {
    "O365E3": "796B6B5F-613C-4E24-A17C-EBA730D49C02",
    "O365E1": "91FD106F-4B2C-4938-95AC-F54F74E9A239",
    "EXO1": "195416C1-3447-423A-B37B-EE59A99A19C4",
}

USD_PRICES = {"BP": 22.00, "EXO1": 4.00, "PBI": 14.00}


def price(product: str, currency: str, discount: float = 0.0) -> str:
    if currency == "USD":
        value = USD_PRICES.get(product, PRODUCTS[product].eur * 1.08)
    elif currency == "CHF":
        value = PRODUCTS[product].eur * 0.96
    else:
        value = PRODUCTS[product].eur
    return f"{value * (1 - discount):.2f}"


def per_billing_period(monthly: str, cycle: str) -> str:
    """A monthly seat price as the price of one billing period of `cycle` (UnitPrice's meaning)."""
    months = {"monthly": 1, "annual": 12, "triennial": 36}.get(cycle, 1)
    return f"{float(monthly) * months:.2f}" if monthly else monthly


# ---------------------------------------------------------------------------------------------------
# Ids and dates
# ---------------------------------------------------------------------------------------------------


def sub_id(name: str) -> str:
    """A fixed, random-looking version-4 GUID derived from a name (deterministic, no RNG)."""
    digest = bytearray(hashlib.sha256(("coexist-sample/" + name).encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x40
    digest[8] = (digest[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(digest)))


def monthly_end(start: str, asof: dt.date) -> str:
    """The end of the monthly term that is running on `asof` (the day before the next anniversary)."""
    s = dt.date.fromisoformat(start)
    k = 1
    while True:
        month = s.month - 1 + k
        year, month = s.year + month // 12, month % 12 + 1
        day = min(s.day, [31, 29 if year % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1])
        anniversary = dt.date(year, month, day)
        if anniversary > asof:
            return (anniversary - dt.timedelta(days=1)).isoformat()
        k += 1


# ---------------------------------------------------------------------------------------------------
# The model the files are written from
# ---------------------------------------------------------------------------------------------------

SUB_COLUMNS = [
    "TenantId", "TenantName", "TenantDomain", "SubscriptionId", "Channel", "OfferId", "OfferName", "SkuId",
    "Quantity", "Status", "StartDate", "EndDate", "BillingCycle", "TermDuration", "AutoRenew",
    "ResellerPartnerId", "AdvisorPartnerIds", "ReadOnly", "UnitPrice", "Currency",
]
CUSTOMER_COLUMNS = [
    "TenantId", "TenantName", "SubscriptionId", "OfferId", "OfferName", "SkuId", "Quantity", "Status",
    "StartDate", "EndDate", "BillingCycle", "AutoRenew",
]


@dataclass
class Sub:
    key: str
    product: str
    channel: str
    quantity: int
    start: str
    end: str | None = None          # None for monthly terms: computed per side
    cycle: str = "annual"
    term: str = "P1Y"
    auto_renew: bool = True
    reseller: str = ""
    advisors: str = ""
    status: str = "Active"
    legacy: bool = False
    offer_name: str | None = None
    discount: float = 0.0
    base: bool = True               # exists in the baseline
    cur: bool = True                # exists in the current set
    base_over: dict = field(default_factory=dict)
    cur_over: dict = field(default_factory=dict)
    in_partner_view: dict = field(default_factory=lambda: {"base": True, "cur": True})
    in_customer_view: dict = field(default_factory=dict)   # side -> bool, default: not CSP and tenant.customer_view
    note: str = ""


@dataclass
class Rel:
    partner: str
    type: str
    base: str | None                # state in the baseline, None = absent
    cur: str | None
    established: str = ""
    invited_by: str = ""
    accepted_by: str = ""


@dataclass
class Tenant:
    key: str
    id: str
    name: str
    domain: str
    fmt: str                        # "csv" (partner-subscriptions CSV) or "xml" (canonical XML)
    currency: str
    story: str
    subs: list
    rels: list
    findings: list                  # designed: (rule, sub key | None, product key | None)
    customer_view: bool = True
    licenses: bool = True
    license_over: dict = field(default_factory=dict)   # current side: product -> total, or None to drop the row


def A(user: str) -> str:
    return f"{user}@{PARTNER_DOMAIN}"


ANNA, JONAS, LEA, MIKA, JUERGEN = A("anna.schmidt"), A("jonas.weber"), A("lea.fournier"), A("mika.tanaka"), A("juergen.mueller")
TOM = A("tom.becker")                     # not a partner user (left before the baseline)
PAPADOPOULOS = A("m.papadopoulos")        # invited a tenant in 2023; no longer a partner user

PARTNER_USERS = {
    # side -> [(upn, display name, roles)]
    "base": [
        (ANNA, "Anna Schmidt", ["AdminAgent", "SalesAgent"]),
        (JONAS, "Jonas Weber", ["SalesAgent"]),
        (LEA, "Léa Fournier", ["AdminAgent"]),
        (JUERGEN, "Jürgen Müller", ["BillingAdmin", "HelpdeskAgent"]),
    ],
    "cur": [
        (ANNA, "Anna Schmidt", ["AdminAgent", "SalesAgent"]),
        (JONAS, "Jonas Weber", ["SalesAgent"]),
        (LEA, "Léa Fournier", ["AdminAgent"]),
        (JUERGEN, "Jürgen Müller", ["BillingAdmin", "HelpdeskAgent"]),
        (MIKA, "田中 美佳 (Mika Tanaka)", ["HelpdeskAgent"]),
    ],
}

TENANTS = [
    Tenant(
        "mueller", "d05f65da-9dee-424a-89c6-650bf13ea509", "Müller & Söhne GmbH", "muellersoehne.onmicrosoft.com",
        "csv", "EUR",
        "Clean onboarding. Invited by Anna (AdminAgent) on 2026-10-08; the customer added 2 Business Premium "
        "seats to its direct subscription and bought Visio and Project through Fabrikam. The advisor field "
        "of the direct Business Premium is written `6123456` in the baseline and `POR:6123456` now (same "
        "advisor, no finding). Current customer-view rows use UPPER-case GUIDs.",
        subs=[
            Sub("bp", "BP", "Direct", 40, "2025-04-01", "2027-03-31", advisors="6123456",
                cur_over={"Quantity": 42, "AdvisorPartnerIds": "POR:6123456"}),
            Sub("exo1", "EXO1", "Direct", 12, "2024-07-15", "2027-07-14"),
            Sub("pbi", "PBI", "Direct", 5, "2025-11-03", cycle="monthly", term="P1M"),
            Sub("visio", "VISIO2", "CSP", 3, "2026-10-09", "2027-10-08", cycle="monthly", reseller=OUR,
                discount=0.05, base=False),
            Sub("proj", "PROJ3", "CSP", 2, "2026-10-09", cycle="monthly", term="P1M", reseller="", base=False,
                note="ResellerPartnerId empty: the exporting partner"),
        ],
        rels=[
            Rel(OUR, "Reseller", None, "Active", "2026-10-08T09:14:00Z", ANNA, "k.mueller@muellersoehne.onmicrosoft.com"),
            Rel(OUR, "DelegatedAdmin", None, "Active", "2026-10-08T09:20:00Z", ANNA, "k.mueller@muellersoehne.onmicrosoft.com"),
        ],
        findings=[("quantity-changed", "bp", None), ("subscription-added", "visio", None),
                  ("subscription-added", "proj", None)],
    ),
    Tenant(
        "zuerich", "0c6e1955-32ed-4b15-b1d1-45da747cb6bd", "Zürcher Bäckerei AG", "zuercherbaeckerei.onmicrosoft.com",
        "csv", "CHF",
        "Clean onboarding, billed in CHF. Invited by Jonas (SalesAgent) on 2026-10-20; the bakery added 4 "
        "Business Standard seats directly (its offer name holds a comma and a line break) and bought Business "
        "Basic for the shop staff through Fabrikam. A new DelegatedAdmin (GDAP) relationship was requested "
        "by Mika (HelpdeskAgent only) - not a reseller relationship, so no finding. Current customer-view "
        "rows use UPPER-case GUIDs.",
        subs=[
            Sub("bs", "BS", "Direct", 18, "2025-02-01", "2027-01-31", cycle="monthly", advisors="CPOR:2917350",
                offer_name="Microsoft 365 Business Standard\nJahresabo, monatliche Zahlung",
                cur_over={"Quantity": 22}),
            Sub("exo1", "EXO1", "Direct", 6, "2025-12-01", "2026-11-30", advisors="-1"),
            Sub("pbi", "PBI", "Direct", 2, "2026-03-14", cycle="monthly", term="P1M"),
            Sub("bb", "BB", "CSP", 15, "2026-10-21", "2027-10-20", cycle="monthly", reseller=OUR, base=False),
        ],
        rels=[
            Rel(OUR, "Reseller", None, "Active", "2026-10-20T14:02:00Z", JONAS, "admin@zuercherbaeckerei.onmicrosoft.com"),
            Rel(OUR, "DelegatedAdmin", None, "Active", "2026-10-21T07:45:00Z", MIKA, "admin@zuercherbaeckerei.onmicrosoft.com"),
        ],
        findings=[("quantity-changed", "bs", None), ("subscription-added", "bb", None)],
    ),
    Tenant(
        "aeroe", "dd4dee31-36c3-4457-8834-46a6cc599279", "Ærø Fisk A/S", "aeroefisk.onmicrosoft.com",
        "csv", "EUR",
        "Relationship accepted on 2026-09-22 (before the baseline). On 2026-11-10 the direct Office 365 E3 "
        "(legacy offer, term until 2027-03-31) was suspended - a pre-existing subscription deactivated before "
        "its term end. Billing > Licenses still shows its 25 licenses while no active subscription of that "
        "SKU is left (license-mismatch). The Open Exchange subscription carries a TPOR advisor. New CSP "
        "purchase: Exchange Online (Plan 2).",
        subs=[
            Sub("o365e3", "O365E3", "Direct", 25, "2024-04-01", "2027-03-31", term="P3Y", legacy=True,
                advisors="POR:6123456", cur_over={"Status": "Suspended"}),
            Sub("pbi", "PBI", "Direct", 4, "2025-06-10", cycle="monthly", term="P1M"),
            Sub("exo1", "EXO1", "Open", 10, "2026-05-01", "2027-04-30", legacy=True, auto_renew=False,
                advisors="TPOR:3304411"),
            Sub("exo2", "EXO2", "CSP", 5, "2026-10-06", "2027-10-05", reseller=OUR, base=False),
        ],
        rels=[Rel(OUR, "Reseller", "Active", "Active", "2026-09-22T08:30:00Z", LEA, "lars@aeroefisk.onmicrosoft.com")],
        license_over={"O365E3": 25},
        findings=[("preexisting-deactivated", "o365e3", None), ("license-mismatch", None, "O365E3"),
                  ("subscription-added", "exo2", None)],
    ),
    Tenant(
        "cafe", "e59f771a-5754-4f9d-8046-a7eb809cac56", "Société Générale de Café SAS", "sgcafe.onmicrosoft.com",
        "csv", "EUR",
        "Relationship accepted on 2026-09-28. The direct Office 365 E1 was not renewed (auto-renew off) and "
        "expired at its term end on 2026-10-31; the customer replaced it with a CSP Office 365 E1 starting "
        "2026-11-01. Only info findings: the expiry at term end is allowed, and as the direct one is no longer "
        "active there is no same-SKU double billing.",
        subs=[
            Sub("o365e1", "O365E1", "Direct", 30, "2025-11-01", "2026-10-31", auto_renew=False,
                cur_over={"Status": "Expired"}),
            Sub("o365e1csp", "O365E1", "CSP", 30, "2026-11-01", "2027-10-31", cycle="monthly", reseller=OUR,
                base=False),
            Sub("pbi", "PBI", "Direct", 6, "2026-03-01", "2027-02-28"),
            Sub("visio", "VISIO2", "Direct", 2, "2026-01-15", cycle="monthly", term="P1M", advisors="CPOR:2917350"),
        ],
        rels=[Rel(OUR, "Reseller", "Active", "Active", "2026-09-28T10:00:00Z", ANNA, "dsi@sgcafe.onmicrosoft.com")],
        findings=[("expired-at-term-end", "o365e1", None), ("subscription-added", "o365e1csp", None)],
    ),
    Tenant(
        "lodz", "53469439-11ba-4192-b584-ea984b5db598", "Łódź Logistics Sp. z o.o.", "lodzlogistics.onmicrosoft.com",
        "xml", "EUR",
        "In the canonical XML. The customer had been with CSP partner 5550001 since 2023 and accepted "
        "Fabrikam on 2026-09-25. Since then the Power BI Pro subscription of partner 5550001 shows Fabrikam "
        "as reseller (the reseller of record of a pre-existing subscription changed), the 5550001 "
        "relationship is terminated, and the EA subscription's DPOR changed from 6123456 to 4847383 "
        "(advisor-changed). New CSP purchase: Exchange Online (Plan 1) for the warehouse.",
        subs=[
            Sub("pbi", "PBI", "CSP", 15, "2026-02-01", "2027-01-31", reseller=OTHER,
                cur_over={"ResellerPartnerId": OUR, "ReadOnly": "false", "UnitPrice": price("PBI", "EUR", 0.04)}),
            Sub("m365e3", "M365E3", "EA", 120, "2024-07-01", "2027-06-30", term="P3Y", advisors="DPOR:6123456",
                cur_over={"AdvisorPartnerIds": "DPOR:4847383"}),
            Sub("visio", "VISIO2", "Direct", 5, "2026-04-01", "2027-03-31", advisors="POR:2917350"),
            Sub("exo1", "EXO1", "CSP", 20, "2026-10-15", "2027-10-14", cycle="monthly", reseller=OUR, base=False),
        ],
        rels=[
            Rel(OTHER, "Reseller", "Active", "Terminated", "2023-03-14T12:00:00Z", "piotr.nowak@vistulacloud.onmicrosoft.com", ""),
            Rel(OUR, "Reseller", "Active", "Active", "2026-09-25T15:30:00Z", LEA, ""),
        ],
        findings=[("preexisting-changed", "pbi", None), ("advisor-changed", "m365e3", None),
                  ("subscription-added", "exo1", None)],
    ),
    Tenant(
        "sakura", "0c1bf31e-4c2b-44b4-b5ba-299c09d5efc3", "株式会社さくら電機", "sakuradenki-eu.onmicrosoft.com",
        "xml", "EUR",
        "In the canonical XML (the Düsseldorf office of a Japanese manufacturer). Fabrikam had GDAP "
        "(DelegatedAdmin) access since 2025 and became reseller on 2026-10-14 (invited by Anna). The customer "
        "then bought 20 Microsoft 365 E3 through CSP while keeping 50 direct ones: the same SKU from two "
        "channels (double billing risk). The license pool (70) matches the two subscriptions.",
        subs=[
            Sub("m365e3", "M365E3", "Direct", 50, "2026-01-01", "2026-12-31", advisors="POR:2917350"),
            Sub("pbi", "PBI", "Direct", 10, "2025-03-20", cycle="monthly", term="P1M"),
            Sub("exo1", "EXO1", "Direct", 8, "2025-12-01", "2026-11-30"),
            Sub("m365e3csp", "M365E3", "CSP", 20, "2026-10-15", "2027-10-14", reseller=OUR, base=False),
        ],
        rels=[
            Rel(OUR, "DelegatedAdmin", "Active", "Active", "2025-06-01T08:00:00Z", LEA, ""),
            Rel(OUR, "Reseller", None, "Active", "2026-10-14T01:30:00Z", ANNA, ""),
        ],
        findings=[("same-sku-multiple-channels", None, "M365E3"), ("subscription-added", "m365e3csp", None)],
    ),
    Tenant(
        "rechnung", "5f071f5a-01a0-4a67-a33d-cf2369319354", "=Rechnung GmbH", "rechnung-gmbh.onmicrosoft.com",
        "csv", "EUR",
        "The messy one (its name starts with `=` to exercise CSV-injection escaping in findings.csv). Invited "
        "by Jonas on 2026-10-12. In the current partner view the direct Business Basic is no longer read-only, "
        "and the direct Exchange Online (Plan 1) now shows channel CSP with Fabrikam as reseller (a "
        "pre-existing subscription converted - protected fields changed). The new CSP Microsoft 365 Apps for "
        "business has no row in the customer's license export (license-mismatch, 12 vs 0).",
        subs=[
            Sub("bb", "BB", "Direct", 12, "2024-08-01", "2027-07-31", cur_over={"ReadOnly": "false"}),
            Sub("exo1", "EXO1", "Direct", 3, "2026-02-10", cycle="monthly", term="P1M",
                cur_over={"Channel": "CSP", "ResellerPartnerId": OUR, "ReadOnly": "false"}),
            Sub("apps", "APPSBIZ", "CSP", 12, "2026-11-20", "2027-11-19", cycle="monthly", reseller=OUR, base=False),
        ],
        rels=[Rel(OUR, "Reseller", None, "Active", "2026-10-12T12:45:00Z", JONAS, "it@rechnung-gmbh.onmicrosoft.com")],
        license_over={"APPSBIZ": None},
        findings=[("direct-not-read-only", "bb", None), ("preexisting-changed", "exo1", None),
                  ("license-mismatch", None, "APPSBIZ"), ("subscription-added", "apps", None)],
    ),
    Tenant(
        "nordlicht", "62da55a4-b844-428c-b7dd-352ad222a7c7", "Nordlicht Medien GmbH & Co. KG", "nordlicht-medien.onmicrosoft.com",
        "csv", "EUR",
        "Invited by Anna on 2026-10-05. The new CSP Business Premium shows up in the customer's Billing > "
        "Subscriptions export (Microsoft says CSP subscriptions are not listed there). Its licenses are "
        "counted once although the subscription is in two views. Quiet checks: the advisors `-1` -> empty "
        "(both none) and `CPOR:2917350;TPOR:3304411` -> reordered (same set); a Teams Essentials trial that "
        "was already suspended in the baseline (not healthy before, so no finding).",
        subs=[
            Sub("bp", "BP", "CSP", 25, "2026-10-06", "2027-10-05", cycle="monthly", reseller=OUR, base=False,
                in_customer_view={"cur": True}),
            Sub("exo1", "EXO1", "Direct", 8, "2025-12-15", "2026-12-14", advisors="-1", cur_over={"AdvisorPartnerIds": ""}),
            Sub("pbi", "PBI", "Direct", 3, "2025-09-05", cycle="monthly", term="P1M", advisors="CPOR:2917350;TPOR:3304411",
                cur_over={"AdvisorPartnerIds": "TPOR:3304411;CPOR:2917350"}),
            Sub("teams", "TEAMSESS", "Direct", 5, "2026-08-20", "2026-09-19", cycle="monthly", term="P1M",
                auto_renew=False, status="Suspended", offer_name="Microsoft Teams Essentials (Trial)"),
        ],
        rels=[Rel(OUR, "Reseller", None, "Active", "2026-10-05T07:55:00Z", ANNA, "admin@nordlicht-medien.onmicrosoft.com")],
        findings=[("csp-visible-to-customer", "bp", None), ("subscription-added", "bp", None)],
    ),
    Tenant(
        "brauerei", "ea5960ca-4549-43d5-82fc-00ea77b9dc20", "Brauerei Fünf Könige, Inh. K. Huber e.K.", "fuenfkoenige.onmicrosoft.com",
        "csv", "EUR",
        "Relationship accepted on 2026-09-30 (name with a comma; its Open offer name holds a `;`). On "
        "2026-11-12 the owner bought Teams Essentials by credit card in the admin center: it is in the "
        "customer's Billing > Subscriptions but not in Fabrikam's partner view. Also a new CSP Business Basic.",
        subs=[
            Sub("o365e1", "O365E1", "Open", 20, "2026-03-01", "2027-02-28", legacy=True, auto_renew=False,
                advisors="TPOR:3304411", offer_name="Office 365 E1 (Open Value; Level D)"),
            Sub("exo1", "EXO1", "Direct", 5, "2026-05-01", "2027-04-30", advisors="4120087"),
            Sub("teams", "TEAMSESS", "Direct", 5, "2026-11-12", cycle="monthly", term="P1M", base=False,
                in_partner_view={"base": False, "cur": False}, in_customer_view={"cur": True}),
            Sub("bb", "BB", "CSP", 6, "2026-10-02", "2027-10-01", cycle="monthly", reseller=OUR, base=False),
        ],
        rels=[Rel(OUR, "Reseller", "Active", "Active", "2026-09-30T16:20:00Z", JONAS, "k.huber@fuenfkoenige.onmicrosoft.com")],
        findings=[("customer-subscription-unseen-by-partner", "teams", None), ("subscription-added", "teams", None),
                  ("subscription-added", "bb", None)],
    ),
    Tenant(
        "nandu", "63734e0d-3c53-4c1f-8fc0-f1921a014dd7", "Ñandú Textil S.L.", "nandutextil.onmicrosoft.com",
        "xml", "EUR",
        "In the canonical XML. Relationship accepted on 2026-09-15; Business Premium bought through CSP on "
        "2026-10-03; on 2026-11-18 the customer removed Fabrikam as reseller (relationship Terminated) but the "
        "CSP subscription is still active - a CSP subscription without an active reseller relationship.",
        subs=[
            Sub("exo1", "EXO1", "Direct", 4, "2026-06-01", "2027-05-31"),
            Sub("bb", "BB", "Direct", 10, "2025-09-12", cycle="monthly", term="P1M", advisors="POR:6123456"),
            Sub("bp", "BP", "CSP", 14, "2026-10-03", "2027-10-02", cycle="monthly", reseller=OUR, base=False),
        ],
        rels=[Rel(OUR, "Reseller", "Active", "Terminated", "2026-09-15T09:05:00Z", JONAS, "")],
        customer_view=False,
        findings=[("csp-without-relationship", "bp", None), ("subscription-added", "bp", None)],
    ),
    Tenant(
        "goteborg", "1da9d7c2-f2b7-45ff-875a-0b5a7798e2df", "Göteborgs Ångbryggeri AB", "goteborgsangbryggeri.onmicrosoft.com",
        "csv", "EUR",
        "The reseller invitation of 2026-10-22 was sent by Mika, who holds only HelpdeskAgent. The Open "
        "Exchange Online (Plan 1) subscription is missing from the current partner view (and from every other "
        "current view). New CSP Teams Essentials. No license export on either side (license-mismatch not "
        "evaluated for this tenant).",
        subs=[
            Sub("exo1", "EXO1", "Open", 15, "2026-01-01", "2026-12-31", legacy=True, auto_renew=False,
                advisors="TPOR:3304411", cur=False),
            Sub("pbi", "PBI", "Direct", 2, "2025-05-27", cycle="monthly", term="P1M"),
            Sub("bs", "BS", "Direct", 30, "2026-02-01", "2027-01-31", cycle="monthly"),
            Sub("teams", "TEAMSESS", "CSP", 12, "2026-10-23", "2027-10-22", cycle="monthly", reseller=OUR, base=False),
        ],
        rels=[Rel(OUR, "Reseller", None, "Active", "2026-10-22T11:11:00Z", MIKA, "it@goteborgsangbryggeri.onmicrosoft.com")],
        licenses=False,
        findings=[("invitation-unauthorized", None, None), ("preexisting-missing", "exo1", None),
                  ("subscription-added", "teams", None)],
    ),
    Tenant(
        "ostfold", "8a4cf347-4508-4d54-ba6c-a11ada13e9e7", "Østfold Tre & Bygg AS", "ostfoldtrebygg.onmicrosoft.com",
        "xml", "EUR",
        "In the canonical XML. Fabrikam has GDAP access since 2025; a reseller invitation is pending since "
        "2026-11-20, sent as tom.becker, who is not among the partner users. Nothing bought yet; its "
        "subscriptions are unchanged (the direct Business Premium names the other CSP partner 5550001 as POR).",
        subs=[
            Sub("bp", "BP", "Direct", 22, "2026-01-20", "2027-01-19", advisors="POR:5550001"),
            Sub("proj", "PROJ3", "Direct", 3, "2025-10-07", cycle="monthly", term="P1M"),
            Sub("visio", "VISIO2", "Open", 2, "2026-02-01", "2027-01-31", auto_renew=False, advisors="TPOR:3304411"),
        ],
        rels=[
            Rel(OUR, "DelegatedAdmin", "Active", "Active", "2025-02-10T10:00:00Z", LEA, ""),
            Rel(OUR, "Reseller", None, "Pending", "", TOM, ""),
        ],
        customer_view=False, licenses=False,
        findings=[("invitation-unauthorized", None, None)],
    ),
    Tenant(
        "creme", "1f03e404-d822-44df-9966-01ee899d1043", "Crème Brûlée Bakeries Inc.", "cremebrulee-us.onmicrosoft.com",
        "csv", "USD",
        "US tenant billed in USD, a CSP customer of partner 5550001 since 2024. Fabrikam's reseller "
        "relationship (2026-10-28) has no InvitedBy (nobody can tell who requested it). The customer then "
        "bought 18 Business Premium through Fabrikam on top of 10 through 5550001: the same SKU from two CSP "
        "resellers.",
        subs=[
            Sub("bpother", "BP", "CSP", 10, "2026-05-15", "2027-05-14", cycle="monthly", reseller=OTHER),
            Sub("exo1", "EXO1", "Direct", 18, "2026-02-01", "2027-01-31"),
            Sub("pbi", "PBI", "Direct", 3, "2026-01-08", cycle="monthly", term="P1M", advisors="POR:4120087"),
            Sub("bp", "BP", "CSP", 18, "2026-10-29", "2027-10-28", cycle="monthly", reseller=OUR, base=False),
        ],
        rels=[
            Rel(OTHER, "Reseller", "Active", "Active", "2024-05-02T17:00:00Z", "sales@vistulacloud.onmicrosoft.com", "ceo@cremebrulee-us.onmicrosoft.com"),
            Rel(OUR, "Reseller", None, "Active", "2026-10-28T18:40:00Z", "", "ceo@cremebrulee-us.onmicrosoft.com"),
        ],
        findings=[("invitation-unauthorized", None, None), ("same-sku-multiple-channels", None, "BP"),
                  ("subscription-added", "bp", None)],
    ),
    Tenant(
        "hellas", "3351e4b8-0fe3-471d-a4f5-35644dce3aed", "Ελληνική Ναυτιλιακή Α.Ε.", "hellenic-naftiliaki.onmicrosoft.com",
        "csv", "EUR",
        "Completely clean (no finding at all): a Fabrikam customer since 2023. Fabrikam's own CSP "
        "subscriptions are not pre-existing, so raising Microsoft 365 E3 from 40 to 45 seats and switching it "
        "to annual billing, and cancelling its Exchange Online (Plan 1) (gone from the current views), are "
        "allowed. The Power BI Pro of partner 5550001 and the direct Visio are unchanged. The 2023 reseller "
        "invitation came from a user who has since left - not new since the baseline, so not checked.",
        subs=[
            Sub("m365e3", "M365E3", "CSP", 40, "2025-06-01", "2028-05-31", cycle="monthly", term="P3Y", reseller=OUR,
                discount=0.06, cur_over={"Quantity": 45, "BillingCycle": "annual"}),
            Sub("exo1", "EXO1", "CSP", 10, "2025-06-01", "2027-05-31", cycle="monthly", reseller="", cur=False),
            Sub("pbi", "PBI", "CSP", 5, "2026-03-01", "2027-02-28", reseller=OTHER),
            Sub("visio", "VISIO2", "Direct", 3, "2026-07-01", "2027-06-30", advisors="POR:4120087;DPOR:6123456"),
        ],
        rels=[
            Rel(OUR, "Reseller", "Active", "Active", "2023-05-10T09:00:00Z", PAPADOPOULOS, "it@hellenic-naftiliaki.onmicrosoft.com"),
            Rel(OTHER, "Reseller", "Active", "Active", "2022-11-03T13:00:00Z", "sales@vistulacloud.onmicrosoft.com", "it@hellenic-naftiliaki.onmicrosoft.com"),
        ],
        findings=[],
    ),
]

# Tenants whose current customer-view rows are written with UPPER-case GUIDs.
UPPER_CASE_IN_CUSTOMER_VIEW = {"mueller", "zuerich"}

SIDES = {"base": ("baseline", BASE_ASOF, BASE_EXPORTED), "cur": ("current", CUR_ASOF, CUR_EXPORTED)}


def record(t: Tenant, s: Sub, side: str) -> dict | None:
    """The subscription as one side's partner view shows it (canonical column -> text)."""
    if not (s.base if side == "base" else s.cur):
        return None
    p = PRODUCTS[s.product]
    asof = SIDES[side][1]
    r = {
        "TenantId": t.id, "TenantName": t.name, "TenantDomain": t.domain, "SubscriptionId": sub_id(f"{t.key}/{s.key}"),
        "Channel": s.channel, "OfferId": LEGACY_OFFERS[s.product] if s.legacy else p.offer,
        "OfferName": s.offer_name or p.name, "SkuId": p.sku, "Quantity": str(s.quantity), "Status": s.status,
        "StartDate": s.start, "EndDate": s.end or monthly_end(s.start, asof), "BillingCycle": s.cycle,
        "TermDuration": s.term, "AutoRenew": "true" if s.auto_renew else "false", "ResellerPartnerId": s.reseller,
        "AdvisorPartnerIds": s.advisors, "ReadOnly": None, "UnitPrice": price(s.product, t.currency, s.discount),
        "Currency": t.currency,
    }
    r.update(s.base_over if side == "base" else s.cur_over)
    r["UnitPrice"] = per_billing_period(r["UnitPrice"], r["BillingCycle"])
    if r["ReadOnly"] is None:
        own = r["Channel"] == "CSP" and r["ResellerPartnerId"] in ("", OUR)
        r["ReadOnly"] = "false" if own else "true"
    return {k: str(v) for k, v in r.items()}


def in_partner_view(s: Sub, side: str) -> bool:
    return s.in_partner_view.get(side, True)


def in_customer_view(t: Tenant, s: Sub, r: dict, side: str) -> bool:
    if side in s.in_customer_view:
        return s.in_customer_view[side]
    return t.customer_view and r["Channel"] != "CSP"


def licenses(t: Tenant, side: str) -> list[tuple[str, int, int]]:
    """(product key, total, assigned) rows of Billing > Licenses, from the active subscriptions (+ overrides)."""
    if not t.licenses:
        return []
    totals: dict[str, int] = {}
    for s in t.subs:
        r = record(t, s, side)
        if r and r["Status"] == "Active":
            totals[s.product] = totals.get(s.product, 0) + int(r["Quantity"])
    if side == "cur":
        for product, total in t.license_over.items():
            if total is None:
                totals.pop(product, None)
            else:
                totals[product] = total
    rows = []
    for product in sorted(totals, key=lambda k: PRODUCTS[k].name):
        total = totals[product]
        rows.append((product, total, total - (int(hashlib.sha256(f"{t.key}/{product}".encode()).hexdigest(), 16) % 3)))
    return rows


# ---------------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------------


def write_csv(path: Path, header: list[str], rows: list[list[str]], *, delimiter=",", bom=False, crlf=False,
              always_quote: frozenset = frozenset()):
    """RFC 4180 with minimal quoting, plus: a field holding `;` (a list) is always quoted, whatever the delimiter,
    and so is every cell of the columns in `always_quote`."""
    def cell(value: str, column: str) -> str:
        if column in always_quote or any(ch in value for ch in (delimiter, ";", '"', "\r", "\n")):
            return '"' + value.replace('"', '""') + '"'
        return value

    eol = "\r\n" if crlf else "\n"
    lines = [delimiter.join(header)]
    lines += [delimiter.join(cell(v, c) for v, c in zip(row, header)) for row in rows]
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + (eol.join(lines) + eol).encode("utf-8"))


def rel_rows(side: str, tenants: list[Tenant]) -> list[list[str]]:
    rows = []
    for t in tenants:
        for rel in t.rels:
            state = rel.base if side == "base" else rel.cur
            if state is None:
                continue
            rows.append([t.id, rel.partner, rel.type, state, rel.established, rel.invited_by, rel.accepted_by])
    return rows


def write_xml(path: Path, side: str, tenants: list[Tenant]):
    _, _, exported = SIDES[side]
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<coexistExport version="1" view="partner" partnerId="{OUR}" exportedAt="{exported}">',
           "  <partnerUsers>"]
    for upn, display, roles in PARTNER_USERS[side]:
        role_xml = "".join(f"<role>{escape(r)}</role>" for r in roles)
        out.append(f"    <user upn={quoteattr(upn)} displayName={quoteattr(display)}>{role_xml}</user>")
    out.append("  </partnerUsers>")
    for t in tenants:
        out.append(f"  <tenant id={quoteattr(t.id)} name={quoteattr(t.name)} domain={quoteattr(t.domain)}>")
        for rel in t.rels:
            state = rel.base if side == "base" else rel.cur
            if state is None:
                continue
            attrs = [("partnerId", rel.partner), ("type", rel.type), ("state", state)]
            if rel.established:
                attrs.append(("establishedAt", rel.established))
            attrs.append(("invitedBy", rel.invited_by))
            out.append("    <relationship " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs) + "/>")
        for s in t.subs:
            r = record(t, s, side)
            if r is None or not in_partner_view(s, side):
                continue
            attrs = [("id", r["SubscriptionId"]), ("channel", r["Channel"]), ("offerId", r["OfferId"]),
                     ("skuId", r["SkuId"]), ("quantity", r["Quantity"]), ("status", r["Status"]),
                     ("startDate", r["StartDate"]), ("endDate", r["EndDate"]), ("billingCycle", r["BillingCycle"]),
                     ("termDuration", r["TermDuration"]), ("autoRenew", r["AutoRenew"]), ("readOnly", r["ReadOnly"]),
                     ("resellerPartnerId", r["ResellerPartnerId"]), ("unitPrice", r["UnitPrice"]),
                     ("currency", r["Currency"])]
            out.append("    <subscription " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs) + ">")
            out.append(f"      <offerName>{escape(r['OfferName'])}</offerName>")
            for entry in filter(None, (e.strip() for e in r["AdvisorPartnerIds"].split(";"))):
                kind, _, pid = entry.rpartition(":")
                if pid in ("", "-1", "0"):
                    continue
                role = XML_ROLES[kind or "POR"]
                out.append(f'      <advisor partnerId="{pid}" role="{role}"/>')
            out.append("    </subscription>")
        for product, total, assigned in licenses(t, side):
            p = PRODUCTS[product]
            out.append(f"    <license skuId={quoteattr(p.sku)} productName={quoteattr(p.name)} "
                       f'total="{total}" assigned="{assigned}"/>')
        out.append("  </tenant>")
    out.append("</coexistExport>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


XML_ROLES = {"POR": "PartnerOfRecord", "DPOR": "DigitalPartnerOfRecord", "CPOR": "ClaimingPartnerOfRecord",
             "TPOR": "TransactingPartnerOfRecord"}

CURRENT_README = """\
Fabrikam Cloud Partner (MPN 4847383) - coexistence exports as of 2026-11-25
=========================================================================

This note is for humans; coexist skips it with a notice (only .csv, .tsv, .xml and .json files are data).

  partner-center-subscriptions.csv  Partner Center view of every subscription, most tenants (comma CSV)
  fabrikam-partner-export.xml       canonical XML: 4 tenants (Lodz, Sakura Denki, Nandu, Ostfold) with
                                    their relationships and licenses, and the partner users
  m365-billing-subscriptions.csv    customers' Billing > Subscriptions (semicolon CSV, UTF-8 BOM, CRLF)
  m365-billing-licenses.csv         customers' Billing > Licenses
  relationships.csv                 partner <-> tenant relationships (CSV tenants)
  partner-users.csv                 Fabrikam's Partner Center users and their roles

Taken by juergen.mueller@fabrikamcloud.onmicrosoft.com on 2026-11-25. Compare with ../baseline/.
"""


def write_set(base_dir: Path, side: str):
    name, _, _ = SIDES[side]
    d = base_dir / name
    d.mkdir(parents=True)
    csv_tenants = [t for t in TENANTS if t.fmt == "csv"]
    xml_tenants = [t for t in TENANTS if t.fmt == "xml"]

    # Partner view (comma CSV, LF).
    rows = []
    for t in csv_tenants:
        for s in t.subs:
            r = record(t, s, side)
            if r and in_partner_view(s, side):
                rows.append([r[c] for c in SUB_COLUMNS])
    write_csv(d / "partner-center-subscriptions.csv", SUB_COLUMNS, rows)

    # Partner view, relationships, partner users and licenses of the XML tenants.
    write_xml(d / "fabrikam-partner-export.xml", side, xml_tenants)

    # Customer view: Billing > Subscriptions (";" CSV, UTF-8 BOM, CRLF).
    rows = []
    for t in TENANTS:
        for s in t.subs:
            r = record(t, s, side)
            if r is None or not in_customer_view(t, s, r, side):
                continue
            row = {c: r[c] for c in CUSTOMER_COLUMNS}
            if side == "cur" and t.key in UPPER_CASE_IN_CUSTOMER_VIEW:
                row["TenantId"] = row["TenantId"].upper()
                row["SubscriptionId"] = row["SubscriptionId"].upper()
            rows.append([row[c] for c in CUSTOMER_COLUMNS])
    write_csv(d / "m365-billing-subscriptions.csv", CUSTOMER_COLUMNS, rows, delimiter=";", bom=True, crlf=True)

    # Customer view: Billing > Licenses (CSV tenants; the XML carries its tenants' <license> elements).
    rows = []
    for t in csv_tenants:
        for product, total, assigned in licenses(t, side):
            p = PRODUCTS[product]
            rows.append([t.id, p.sku, p.name, str(total), str(assigned)])
    write_csv(d / "m365-billing-licenses.csv", ["TenantId", "SkuId", "ProductName", "TotalLicenses", "AssignedLicenses"], rows)

    write_csv(d / "relationships.csv",
              ["TenantId", "PartnerId", "Relationship", "State", "EstablishedAt", "InvitedBy", "AcceptedBy"],
              rel_rows(side, csv_tenants))
    write_csv(d / "partner-users.csv", ["UserPrincipalName", "DisplayName", "Roles"],
              [[upn, display, ";".join(roles)] for upn, display, roles in PARTNER_USERS[side]],
              always_quote=frozenset({"Roles"}))
    if side == "cur":
        (d / "README.txt").write_text(CURRENT_README, encoding="utf-8")


def write_broken(base_dir: Path):
    d = base_dir / "broken"
    d.mkdir(parents=True)
    t = TENANTS[0]
    good = [record(t, s, "cur") for s in t.subs[:3]]
    rows = [[r[c] for c in SUB_COLUMNS] for r in good]
    bad_quantity = dict(good[2], SubscriptionId=sub_id("broken/quantity"), Quantity="abc", OfferName="Power BI Pro",
                        StartDate="2026-11-02", EndDate="2026-12-01")
    visio = PRODUCTS["VISIO2"]
    bad_guid = dict(good[0], SubscriptionId="7f3c9a1e-55b2-4c0d-9e8f-12ab34cd56", OfferId=visio.offer,
                    OfferName=visio.name, SkuId=visio.sku, Quantity="2", AdvisorPartnerIds="",
                    UnitPrice=price("VISIO2", t.currency))
    duplicate = dict(good[1], Quantity=str(int(good[1]["Quantity"]) + 3))
    for r in (bad_quantity, bad_guid, duplicate):
        rows.append([r[c] for c in SUB_COLUMNS])
    write_csv(d / "partner-center-subscriptions.csv", SUB_COLUMNS, rows)
    return {
        "valid": [r["SubscriptionId"] for r in good],
        "quantity": bad_quantity["SubscriptionId"],
        "guid": bad_guid["SubscriptionId"],
        "duplicate": duplicate["SubscriptionId"],
        "tenant": t,
    }


# ---------------------------------------------------------------------------------------------------
# Reference reconcile: reads the written files back and applies the rules (independent of the model)
# ---------------------------------------------------------------------------------------------------


def key(header: str) -> str:
    return "".join(ch for ch in header.lower() if ch not in " _-")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def read_csv(path: Path) -> list[dict]:
    text = path.read_bytes().decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [key(h) for h in next(reader)]
    return [dict(zip(header, (nfc(v) for v in row))) for row in reader]


ROLE_KINDS = {v.lower(): k for k, v in XML_ROLES.items()}


@dataclass
class Snapshot:
    partner: dict = field(default_factory=dict)     # sub id -> record (canonical keys, lower-cased)
    customer: dict = field(default_factory=dict)
    licenses: dict = field(default_factory=dict)    # (tenant, sku) -> total
    license_tenants: set = field(default_factory=set)
    rels: list = field(default_factory=list)        # dicts
    users: dict = field(default_factory=dict)       # upn -> set of roles
    kinds: set = field(default_factory=set)
    skipped: list = field(default_factory=list)


def add_sub(view: dict, rec: dict, path: Path):
    rec["tenantid"] = rec["tenantid"].lower()
    sid = rec["subscriptionid"] = rec["subscriptionid"].lower()
    uuid.UUID(sid)
    uuid.UUID(rec["tenantid"])
    if "skuid" in rec:
        rec["skuid"] = rec["skuid"].lower()
    int(rec["quantity"])
    if sid in view:
        raise SystemExit(f"{path}: duplicate subscription {sid}")
    view[sid] = rec


def read_set(d: Path) -> Snapshot:
    snap = Snapshot()
    for path in sorted(d.iterdir()):
        if path.suffix.lower() == ".xml":
            root = ET.parse(path).getroot()
            assert root.tag == "coexistExport" and root.get("view") == "partner"
            assert root.get("partnerId") == OUR
            users = root.find("partnerUsers")
            if users is not None:
                snap.kinds.add("partner-users")
                for u in users.findall("user"):
                    snap.users.setdefault(u.get("upn"), set()).update(r.text for r in u.findall("role"))
            snap.kinds.update({"partner-subscriptions", "relationships"})
            for t in root.findall("tenant"):
                tid = t.get("id").lower()
                for rel in t.findall("relationship"):
                    snap.rels.append({"tenantid": tid, "partnerid": rel.get("partnerId"), "relationship": rel.get("type"),
                                      "state": rel.get("state"), "invitedby": rel.get("invitedBy", "")})
                for s in t.findall("subscription"):
                    rec = {"tenantid": tid, "subscriptionid": s.get("id")}
                    for attr in ("channel", "offerId", "skuId", "quantity", "status", "startDate", "endDate",
                                 "billingCycle", "resellerPartnerId", "readOnly"):
                        rec[attr.lower()] = nfc(s.get(attr))
                    rec["advisorpartnerids"] = ";".join(
                        f"{ROLE_KINDS[a.get('role').lower()]}:{a.get('partnerId')}" for a in s.findall("advisor"))
                    add_sub(snap.partner, rec, path)
                for lic in t.findall("license"):
                    snap.kinds.add("customer-licenses")
                    k = (tid, lic.get("skuId").lower())
                    snap.licenses[k] = snap.licenses.get(k, 0) + int(lic.get("total"))
                    snap.license_tenants.add(tid)
        elif path.suffix.lower() == ".csv":
            rows = read_csv(path)
            cols = set(rows[0]) if rows else set()
            if {"tenantid", "subscriptionid", "offerid", "quantity", "status"} <= cols:
                view = snap.partner if "channel" in cols else snap.customer
                snap.kinds.add("partner-subscriptions" if "channel" in cols else "customer-subscriptions")
                for rec in rows:
                    add_sub(view, rec, path)
            elif {"tenantid", "skuid", "totallicenses"} <= cols:
                snap.kinds.add("customer-licenses")
                for rec in rows:
                    k = (rec["tenantid"].lower(), rec["skuid"].lower())
                    snap.licenses[k] = snap.licenses.get(k, 0) + int(rec["totallicenses"])
                    snap.license_tenants.add(rec["tenantid"].lower())
            elif {"tenantid", "partnerid", "relationship", "state"} <= cols:
                snap.kinds.add("relationships")
                for rec in rows:
                    rec["tenantid"] = rec["tenantid"].lower()
                    snap.rels.append(rec)
            elif {"userprincipalname", "roles"} <= cols:
                snap.kinds.add("partner-users")
                for rec in rows:
                    snap.users.setdefault(rec["userprincipalname"], set()).update(
                        r.strip() for r in rec["roles"].split(";") if r.strip())
            else:
                raise SystemExit(f"{path}: unrecognized CSV")
        else:
            snap.skipped.append(path.name)
    return snap


ACTIVE = {"active", "warning", "enabled"}     # in service


def is_own_csp(rec: dict) -> bool:
    return rec.get("channel", "direct").lower() == "csp" and rec.get("resellerpartnerid", "") in ("", OUR)


def source(rec: dict) -> str:
    channel = rec.get("channel", "Direct").lower()
    if channel == "csp":
        return "csp:" + (rec.get("resellerpartnerid") or OUR)
    return channel


def advisor_set(text: str) -> set:
    out = set()
    for entry in filter(None, (e.strip() for e in (text or "").split(";"))):
        kind, _, pid = entry.rpartition(":")
        if pid.strip() in ("", "-1", "0"):
            continue
        out.add((pid, (kind or "POR").upper()))
    return out


def reconcile(base: Snapshot, cur: Snapshot) -> list[tuple]:
    findings = set()
    base_all = {**base.customer, **base.partner}     # partner record wins when both have it
    cur_all = {**cur.customer, **cur.partner}

    # Pre-existing subscriptions.
    for sid, b in base_all.items():
        if is_own_csp(b):
            continue
        tid = b["tenantid"]
        c = cur.partner.get(sid)
        if c is None:
            findings.add(("preexisting-missing", tid, sid, None))
            continue
        if b["status"].lower() == "active" and c["status"].lower() != "active":
            end = c.get("enddate") or b.get("enddate")
            expired = end and dt.date.fromisoformat(end[:10]) <= CUR_ASOF
            findings.add(("expired-at-term-end" if expired else "preexisting-deactivated", tid, sid, None))
        bp = base.partner.get(sid, b)
        for f in ("channel", "offerid", "skuid", "billingcycle", "startdate", "resellerpartnerid"):
            if f in bp and f in c and bp[f].lower() != c[f].lower():
                findings.add(("preexisting-changed", tid, sid, None))
        if "advisorpartnerids" in bp and advisor_set(bp["advisorpartnerids"]) != advisor_set(c["advisorpartnerids"]):
            findings.add(("advisor-changed", tid, sid, None))
        if int(bp["quantity"]) != int(c["quantity"]):
            findings.add(("quantity-changed", tid, sid, None))

    # Partner view: read-only.
    for sid, c in cur.partner.items():
        if not is_own_csp(c) and c["readonly"].lower() in ("false", "no", "0"):
            findings.add(("direct-not-read-only", c["tenantid"], sid, None))

    # New reseller relationships of the exporting partner.
    base_rels = {(r["tenantid"], r["partnerid"], r["relationship"].lower()) for r in base.rels}
    users = cur.users or base.users
    for r in cur.rels:
        if r["partnerid"] != OUR or r["relationship"].lower() != "reseller":
            continue
        if (r["tenantid"], r["partnerid"], "reseller") in base_rels:
            continue
        roles = users.get(r.get("invitedby", ""), set())
        if not roles & {"AdminAgent", "SalesAgent"}:
            findings.add(("invitation-unauthorized", r["tenantid"], None, None))

    # CSP subscriptions without an active reseller relationship.
    active_reseller = {r["tenantid"] for r in cur.rels
                       if r["partnerid"] == OUR and r["relationship"].lower() == "reseller" and r["state"].lower() == "active"}
    for sid, c in cur_all.items():
        if is_own_csp(c) and c["status"].lower() in ACTIVE and c["tenantid"] not in active_reseller:
            findings.add(("csp-without-relationship", c["tenantid"], sid, None))

    # Customer view.
    for sid, c in cur.customer.items():
        p = cur.partner.get(sid)
        if (c.get("channel") or (p or {}).get("channel", "")).lower() == "csp":
            findings.add(("csp-visible-to-customer", c["tenantid"], sid, None))
        if p is None:
            findings.add(("customer-subscription-unseen-by-partner", c["tenantid"], sid, None))

    # Licenses and SKU sources.
    by_tenant_sku: dict = {}
    for sid, c in cur_all.items():
        if c["status"].lower() in ACTIVE:
            entry = by_tenant_sku.setdefault((c["tenantid"], c["skuid"]), {"qty": 0, "sources": set()})
            entry["qty"] += int(c["quantity"])
            entry["sources"].add(source(c))
    for tid in cur.license_tenants:
        skus = {s for (t, s) in cur.licenses if t == tid} | {s for (t, s) in by_tenant_sku if t == tid}
        for sku in skus:
            if cur.licenses.get((tid, sku), 0) != by_tenant_sku.get((tid, sku), {"qty": 0})["qty"]:
                findings.add(("license-mismatch", tid, None, sku))
    for (tid, sku), entry in by_tenant_sku.items():
        if len(entry["sources"]) > 1:
            findings.add(("same-sku-multiple-channels", tid, None, sku))

    # Added since the baseline.
    for sid, c in cur_all.items():
        if sid not in base_all:
            findings.add(("subscription-added", c["tenantid"], sid, None))
    return sorted(findings, key=sort_key)


def sort_key(f: tuple):
    rule, tid, sid, sku = f
    return (tid, sid or "", rule, sku or "")


def designed() -> list[tuple]:
    out = []
    for t in TENANTS:
        for rule, skey, product in t.findings:
            out.append((rule, t.id, sub_id(f"{t.key}/{skey}") if skey else None,
                        PRODUCTS[product].sku if product else None))
    return sorted(out, key=sort_key)


def sanity(base: Snapshot, cur: Snapshot):
    """Realism checks: every active subscription runs past its side's as-of, ids are lower-case GUIDs."""
    for snap, asof in ((base, BASE_ASOF), (cur, CUR_ASOF)):
        for sid, r in {**snap.customer, **snap.partner}.items():
            if r["status"].lower() == "active":
                assert dt.date.fromisoformat(r["enddate"]) >= asof, (sid, r["enddate"], asof)
                assert dt.date.fromisoformat(r["startdate"]) <= asof, (sid, r["startdate"], asof)
            for k in ("quantity",):
                assert r[k].isdigit()
        # customer view agrees with the partner view wherever both have the subscription
        for sid, c in snap.customer.items():
            p = snap.partner.get(sid)
            if p:
                for k, v in c.items():
                    if k in p and k not in ("tenantid", "subscriptionid"):
                        assert p[k] == v, (sid, k, p[k], v)
    assert base.kinds == cur.kinds, (base.kinds, cur.kinds)
    assert cur.skipped == ["README.txt"], cur.skipped
    subs_per_tenant: dict = {}
    for sid, r in {**base.customer, **base.partner, **cur.customer, **cur.partner}.items():
        subs_per_tenant.setdefault(r["tenantid"], set()).add(sid)
    for tid, subs in subs_per_tenant.items():
        assert 3 <= len(subs) <= 8, (tid, len(subs))


# ---------------------------------------------------------------------------------------------------
# README
# ---------------------------------------------------------------------------------------------------

RULE_ORDER = [
    "preexisting-missing", "preexisting-deactivated", "preexisting-changed", "advisor-changed", "quantity-changed",
    "direct-not-read-only", "invitation-unauthorized", "csp-without-relationship", "csp-visible-to-customer",
    "customer-subscription-unseen-by-partner", "license-mismatch", "same-sku-multiple-channels",
    "expired-at-term-end", "subscription-added",
]
SEVERITY = {
    "preexisting-missing": "error", "preexisting-deactivated": "error", "preexisting-changed": "error",
    "advisor-changed": "error", "quantity-changed": "info", "direct-not-read-only": "error",
    "invitation-unauthorized": "error", "csp-without-relationship": "error", "csp-visible-to-customer": "warning",
    "customer-subscription-unseen-by-partner": "warning", "license-mismatch": "warning",
    "same-sku-multiple-channels": "warning", "expired-at-term-end": "info", "subscription-added": "info",
}


def describe_side(r: dict | None, partner: bool, customer: bool) -> str:
    if r is None:
        return "—"
    views = "+".join(v for v, on in (("P", partner), ("C", customer)) if on) or "none"
    seller = ""
    if r["Channel"] == "CSP":
        seller = f" via {r['ResellerPartnerId'] or OUR + ' (empty)'}"
    adv = f", adv `{r['AdvisorPartnerIds']}`" if r["AdvisorPartnerIds"] else ""
    ro = "" if r["ReadOnly"] == ("false" if r["Channel"] == "CSP" and r["ResellerPartnerId"] in ("", OUR) else "true") \
        else f", **ReadOnly {r['ReadOnly']}**"
    return (f"{r['Channel']}{seller}, {r['Quantity']} × {r['Status']}, {r['BillingCycle']}/{r['TermDuration']}, "
            f"{r['StartDate']}…{r['EndDate']}{adv}{ro} [{views}]")


def readme(expected: list[tuple], broken: dict) -> str:
    counts = {rule: sum(1 for f in expected if f[0] == rule) for rule in RULE_ORDER}
    L = []
    L.append("# coexist sample data\n")
    L.append("Generated by `scripts/make-sample-data.py` (deterministic, standard library only) — edit the "
             "script, not these files, and run `python3 scripts/make-sample-data.py` again. `--check` "
             "verifies that the committed files are what the script writes.\n")
    L.append("The story: **Fabrikam Cloud Partner** (MPN `4847383`, the exporting CSP partner) is, or is "
             "becoming, the CSP reseller of 14 existing Microsoft 365 customers that also buy directly, through "
             "EA or Open, or through another CSP partner. Another CSP partner, **Vistula Cloud "
             "Services** (MPN `5550001`), resells to some of them. `baseline/` is the export set as of "
             "**2026-10-01**: what Fabrikam saw right after the first customers had accepted and before any CSP "
             "purchase (tenants onboarded later have no reseller relationship there; Fabrikam saw their "
             "subscriptions through GDAP or the customer's own exports). `current/` is the set as of "
             "**2026-11-25**.\n")
    L.append("```sh\ncoexist reconcile --baseline SampleData/baseline --current SampleData/current \\\n"
             "    --partner-id 4847383 --baseline-as-of 2026-10-01 --current-as-of 2026-11-25 --out /tmp/coexist-sample\n```\n")
    L.append("The as-of dates and the exporting partner also come from the XML (`exportedAt`, `partnerId`), so "
             "the options above only make them explicit. The run is expected to end with status `findings` "
             "(exit code 1): the sample contains error-severity findings by design. "
             "`expected-findings.json` lists every finding it must produce — no more, no fewer — as "
             "`{rule, tenantId, subscriptionId, skuId}` (lower-case ids; `subscriptionId` is null for tenant "
             "and SKU findings and for relationships, `skuId` is set only for tenant + SKU findings).\n")

    L.append("## Files\n")
    L.append("Both sets hold the same six kinds, so every rule can be evaluated:\n")
    L.append("| file | kind | format |\n|---|---|---|")
    L.append("| `partner-center-subscriptions.csv` | partner-subscriptions (10 tenants) | comma CSV, LF; all canonical "
             "subscription columns incl. the optional ones; a tenant name with a comma, an offer name with a "
             "comma and a line break, one with a `;`, a tenant named `=Rechnung GmbH` |")
    L.append("| `fabrikam-partner-export.xml` | partner-subscriptions, relationships, partner-users, customer-licenses "
             "(4 tenants) | canonical XML `view=\"partner\" partnerId=\"4847383\"` with `exportedAt`, "
             "`<partnerUsers>`, `<relationship>`, `<advisor>`, `<license>` |")
    L.append("| `m365-billing-subscriptions.csv` | customer-subscriptions (Billing > Subscriptions) | `;` CSV, UTF-8 "
             "BOM, CRLF; in `current/` the rows of Müller & Söhne and Zürcher Bäckerei use UPPER-case tenant and "
             "subscription ids |")
    L.append("| `m365-billing-licenses.csv` | customer-licenses (Billing > Licenses) of the CSV tenants | comma CSV |")
    L.append("| `relationships.csv` | relationships of the CSV tenants (the XML carries its own tenants') | comma CSV |")
    L.append("| `partner-users.csv` | partner-users (same users as the XML's `<partnerUsers>`) | comma CSV, roles "
             "quoted as `\"AdminAgent;SalesAgent\"` |")
    L.append("| `current/README.txt` | — | a note for humans: coexist skips it with a notice |\n")
    L.append("Partner users (current): Anna Schmidt (AdminAgent, SalesAgent), Jonas Weber (SalesAgent), Léa "
             "Fournier (AdminAgent), Jürgen Müller (BillingAdmin, HelpdeskAgent), 田中 美佳 / Mika Tanaka "
             "(HelpdeskAgent only; joined after the baseline). `tom.becker` and `m.papadopoulos` are not partner "
             "users.\n")
    L.append("Advisors (partners of record) on Direct/EA/Open subscriptions: " +
             ", ".join(f"`{k}` {v}" for k, v in ADVISORS.items()) + "; also `5550001` (POR) and `4847383` "
             "(DPOR, after Fabrikam claimed the Łódź EA subscription). Kinds used: POR (bare id or `POR:`), "
             "DPOR, CPOR, TPOR; `-1` and empty mean none.\n")

    L.append("## Expected findings per rule\n")
    L.append("| rule | severity | findings |\n|---|---|---|")
    for rule in RULE_ORDER:
        L.append(f"| `{rule}` | {SEVERITY[rule]} | {counts[rule]} |")
    sev = {s: sum(counts[r] for r in RULE_ORDER if SEVERITY[r] == s) for s in ("error", "warning", "info")}
    L.append(f"| **total** | {sev['error']} error, {sev['warning']} warning, {sev['info']} info | **{len(expected)}** |\n")

    L.append("## Tenants\n")
    L.append("In the subscription lines `[P+C]` says in which views the subscription is (P = partner view, "
             "C = customer's Billing > Subscriptions); a CSP subscription names its reseller (`(empty)`: the "
             "ResellerPartnerId cell is empty, which means the exporting partner); `adv` is the AdvisorPartnerIds "
             "value as written; dates are StartDate…EndDate.\n")
    for n, t in enumerate(TENANTS, 1):
        fmt = "canonical XML" if t.fmt == "xml" else "CSV"
        L.append(f"### {n}. {t.name} — `{t.id}`\n")
        L.append(f"`{t.domain}` · partner view in {fmt} · {t.currency}"
                 + ("" if t.licenses else " · no license export") + "\n")
        L.append(t.story + "\n")
        L.append("| subscription | product | baseline 2026-10-01 | current 2026-11-25 |\n|---|---|---|---|")
        for s in t.subs:
            rb, rc = record(t, s, "base"), record(t, s, "cur")
            cells = []
            for side, r in (("base", rb), ("cur", rc)):
                cells.append(describe_side(r, r is not None and in_partner_view(s, side),
                                           r is not None and in_customer_view(t, s, r, side)))
            L.append(f"| `{sub_id(f'{t.key}/{s.key}')}` | {PRODUCTS[s.product].name} | {cells[0]} | {cells[1]} |")
        rels = []
        for rel in t.rels:
            states = f"{rel.base or '—'} → {rel.cur or '—'}"
            inv = f", invited by `{rel.invited_by}`" if rel.invited_by else ", InvitedBy empty"
            est = f", established {rel.established[:10]}" if rel.established else ""
            rels.append(f"{rel.type} `{rel.partner}` {states}{est}{inv}")
        L.append("\nRelationships (baseline → current): " + "; ".join(rels) + ".\n")
        lic = licenses(t, "cur")
        if t.licenses:
            L.append("Current licenses: " + ", ".join(f"{PRODUCTS[p].name} {total}" for p, total, _ in lic) + ".\n")
        L.append("Expected findings:\n")
        mine = [f for f in expected if f[1] == t.id]
        if not mine:
            L.append("- none\n")
        else:
            for rule, _, sid, sku in sorted(mine, key=lambda f: (RULE_ORDER.index(f[0]), f[2] or "", f[3] or "")):
                if sid:
                    prod = next(PRODUCTS[s.product].name for s in t.subs if sub_id(f"{t.key}/{s.key}") == sid)
                    L.append(f"- `{rule}` ({SEVERITY[rule]}) — subscription `{sid}` ({prod})")
                elif sku:
                    prod = next(p.name for p in PRODUCTS.values() if p.sku == sku)
                    L.append(f"- `{rule}` ({SEVERITY[rule]}) — SKU `{sku}` ({prod})")
                else:
                    L.append(f"- `{rule}` ({SEVERITY[rule]}) — the new Reseller relationship with `{OUR}`")
            L.append("")

    bt = broken["tenant"]
    L.append("## `broken/` — input problems\n")
    L.append("Not part of the reconcile above: one partner-subscriptions CSV (tenant "
             f"{bt.name}, `{bt.id}`) for `coexist validate --json SampleData/broken` and the input-problem "
             "findings. It holds three valid rows and three problem rows:\n")
    L.append(f"- `invalid-value`: subscription `{broken['quantity']}` has Quantity `abc` (the record is skipped, "
             "its id is remembered);")
    L.append(f"- `invalid-value`: SubscriptionId `{broken['guid']}` is not a GUID (its last group has 10 hex "
             "digits);")
    L.append(f"- `duplicate-key`: subscription `{broken['duplicate']}` appears twice with different quantities "
             "(the first record, by file and line, is kept).\n")
    L.append("Reconciled against `baseline/`, the broken set is a partner view of one tenant only, so it is "
             "meant for `validate` and ingest tests rather than for an end-to-end reconcile.\n")
    return "\n".join(L)


# ---------------------------------------------------------------------------------------------------


def generate(out: Path) -> list[tuple]:
    for name in ("baseline", "current", "broken"):
        if (out / name).exists():
            shutil.rmtree(out / name)
    out.mkdir(parents=True, exist_ok=True)
    write_set(out, "base")
    write_set(out, "cur")
    broken = write_broken(out)

    base, cur = read_set(out / "baseline"), read_set(out / "current")
    sanity(base, cur)
    computed, wanted = reconcile(base, cur), designed()
    if computed != wanted:
        for f in sorted(set(computed) - set(wanted), key=sort_key):
            print("unexpected:", f, file=sys.stderr)
        for f in sorted(set(wanted) - set(computed), key=sort_key):
            print("missing:   ", f, file=sys.stderr)
        raise SystemExit("the sample does not produce exactly its designed findings")
    missing_rules = set(RULE_ORDER) - {f[0] for f in computed}
    if missing_rules:
        raise SystemExit(f"rules that never fire: {sorted(missing_rules)}")

    (out / "expected-findings.json").write_text(json.dumps(
        [{"rule": r, "tenantId": t, "subscriptionId": s, "skuId": k} for r, t, s, k in computed],
        ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out / "README.md").write_text(readme(computed, broken), encoding="utf-8")
    return computed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write to a temporary directory and compare with SampleData/")
    parser.add_argument("--out", type=Path, default=SAMPLE, help="output directory (default: SampleData/)")
    args = parser.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            generate(Path(tmp))
            fresh = {p.relative_to(tmp): p for p in Path(tmp).rglob("*") if p.is_file()}
            have = {p.relative_to(SAMPLE): p for p in SAMPLE.rglob("*") if p.is_file()}
            problems = sorted(str(rel) for rel in fresh.keys() | have.keys()
                              if rel not in fresh or rel not in have or fresh[rel].read_bytes() != have[rel].read_bytes())
            if problems:
                print("SampleData/ differs from the generator:", ", ".join(problems), file=sys.stderr)
                return 1
            print("SampleData/ is up to date")
            return 0
    findings = generate(args.out)
    counts: dict = {}
    for f in findings:
        counts[f[0]] = counts.get(f[0], 0) + 1
    print(f"wrote {args.out}: {len(findings)} expected findings")
    for rule in RULE_ORDER:
        print(f"  {rule:42} {counts.get(rule, 0)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
