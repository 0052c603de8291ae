#!/usr/bin/env python3
"""Writes a large, deterministic pair of export sets to measure coexist at scale.

    python3 scripts/make-large-export.py --subscriptions 1000000 --out /tmp/coexist-large
    coexist reconcile --baseline /tmp/coexist-large/baseline --current /tmp/coexist-large/current --out /tmp/coexist-large/reports

20 subscriptions per tenant (Direct, CSP, EA, Open), canonical partner CSV with prices, a reseller
relationship per tenant and the partner users. Between baseline and current: about 1% of the
subscriptions change quantity (up or down), 0.5% are removed, 0.2% are suspended, and 1% of the
tenants buy a new CSP subscription. Standard library only; the same arguments give the same files.
"""

import argparse
import random
import uuid
from pathlib import Path

PARTNER = "4847383"
HEADER = ("TenantId,TenantName,TenantDomain,SubscriptionId,Channel,OfferId,OfferName,SkuId,Quantity,Status,StartDate,"
          "EndDate,BillingCycle,ResellerPartnerId,AdvisorPartnerIds,ReadOnly,UnitPrice,Currency\n")
PRODUCTS = [
    ("CFQ7TTC0LFLX:0001", "Microsoft 365 E3", "05e9a617-0261-4cee-bb44-138d3ef5d965", 36.00),
    ("CFQ7TTC0LCHC:0002", "Microsoft 365 Business Premium", "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", 22.00),
    ("CFQ7TTC0LH16:0001", "Exchange Online (Plan 1)", "4b9405b0-7788-4568-add1-99614e613b69", 4.00),
    ("CFQ7TTC0LHSF:0001", "Power BI Pro", "f8a1db68-be16-40ed-86d5-cb42ce701560", 14.00),
    ("CFQ7TTC0HD32:0002", "Visio Plan 2", "c5928f49-12ba-48f7-ada3-0d743a3601d5", 15.00),
]
CHANNELS = ["Direct"] * 12 + ["CSP"] * 6 + ["EA", "Open"]


def guid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def row(tenant, name, sub, channel, product, quantity, status, cycle):
    offer, offer_name, sku, monthly = product
    price = monthly * (12 if cycle == "annual" else 1)
    reseller = PARTNER if channel == "CSP" else ""
    read_only = "false" if channel == "CSP" else "true"
    return (f"{tenant},{name},{name.lower().replace(' ', '')}.onmicrosoft.com,{sub},{channel},{offer},{offer_name},{sku},"
            f"{quantity},{status},2025-01-01,2027-12-31,{cycle},{reseller},,{read_only},{price:.2f},EUR\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscriptions", type=int, default=1_000_000)
    parser.add_argument("--out", default="/tmp/coexist-large")
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = Path(args.out)
    for side in ("baseline", "current"):
        (out / side).mkdir(parents=True, exist_ok=True)
    tenants = max(1, args.subscriptions // 20)
    files = {side: open(out / side / "partner-subscriptions.csv", "w", encoding="utf-8") for side in ("baseline", "current")}
    relationships = {side: open(out / side / "relationships.csv", "w", encoding="utf-8") for side in ("baseline", "current")}
    for side in ("baseline", "current"):
        files[side].write(HEADER)
        relationships[side].write("TenantId,PartnerId,Relationship,State,EstablishedAt,InvitedBy\n")
        (out / side / "partner-users.csv").write_text(
            "UserPrincipalName,DisplayName,Roles\nanna@fabrikam.example,Anna,AdminAgent;SalesAgent\n", encoding="utf-8")
    counts = {"changed": 0, "removed": 0, "suspended": 0, "added": 0}
    for t in range(tenants):
        tenant = guid(rng)
        name = f"Tenant {t:07d} GmbH"
        for side in ("baseline", "current"):
            relationships[side].write(f"{tenant},{PARTNER},Reseller,Active,2026-01-01,anna@fabrikam.example\n")
        for s in range(20):
            sub = guid(rng)
            channel = CHANNELS[s % len(CHANNELS)]
            product = PRODUCTS[rng.randrange(len(PRODUCTS))]
            quantity = rng.randrange(1, 200)
            cycle = "annual" if rng.random() < 0.6 else "monthly"
            files["baseline"].write(row(tenant, name, sub, channel, product, quantity, "active", cycle))
            roll = rng.random()
            if roll < 0.005:
                counts["removed"] += 1
                continue
            status = "active"
            if roll < 0.015:
                quantity = max(1, quantity + rng.choice([-5, -2, -1, 1, 2, 3, 10]))
                counts["changed"] += 1
            elif roll < 0.017:
                status = "suspended"
                counts["suspended"] += 1
            files["current"].write(row(tenant, name, sub, channel, product, quantity, status, cycle))
        if rng.random() < 0.01:
            counts["added"] += 1
            product = PRODUCTS[rng.randrange(len(PRODUCTS))]
            files["current"].write(row(tenant, name, guid(rng), "CSP", product, rng.randrange(1, 50), "active", "monthly"))
    for handle in [*files.values(), *relationships.values()]:
        handle.close()
    print(f"wrote {out}: {tenants} tenants, {tenants * 20} baseline subscriptions; {counts}")


if __name__ == "__main__":
    main()
