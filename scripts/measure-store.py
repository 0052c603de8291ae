#!/usr/bin/env python3
"""Measure the nightly form's time and the store's growth (docs/store.md).

Generates a partner export of N subscriptions, imports it as the baseline, then runs the nightly
`coexist reconcile --current … --store …` for a number of nights, each night with a given churn
(quantity changes, suspensions, new and removed subscriptions, spread over the tenants). After each
night it records the wall time, the peak memory and the store's size.

    swift build -c release --product coexist
    python3 scripts/measure-store.py --subscriptions 1000000 --nights 30 > measurements.md

Only the standard library; the work directory (exports, store, reports) is removed at the end
unless --keep.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

HEADER = ("TenantId,TenantName,TenantDomain,SubscriptionId,Channel,OfferId,OfferName,SkuId,Quantity,Status,"
          "StartDate,EndDate,BillingCycle,TermDuration,AutoRenew,ResellerPartnerId,AdvisorPartnerIds,ReadOnly\n")
PARTNER = "4847383"
OFFERS = [("CFQ7TTC0LFLX:0001", "Microsoft 365 E3", "05e9a617-0261-4cee-bb44-138d3ef5d965"),
          ("CFQ7TTC0LCHC:0002", "Microsoft 365 Business Premium", "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"),
          ("CFQ7TTC0LH16:0001", "Exchange Online (Plan 1)", "4b9405b0-7788-4568-add1-99614e613b69"),
          ("CFQ7TTC0LHSF:0001", "Power BI Pro", "f8a1db68-be16-40ed-86d5-cb42ce701560"),
          ("CFQ7TTC0HD32:0002", "Visio Plan 2", "c5928f49-12ba-48f7-ada3-0d743a3601d5")]


def new_subscription(rng, tenant_index):
    offer = rng.randrange(len(OFFERS))
    # One channel per tenant and offer, so that the data is not one big same-sku-multiple-channels case.
    channel = ["Direct", "Direct", "CSP", "EA", "Open"][(tenant_index * 7 + offer) % 5]
    return {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "tenant": tenant_index, "offer": offer,
            "channel": channel, "quantity": rng.randint(1, 500), "status": "Active",
            "advisor": "" if channel == "CSP" else str(rng.randint(1000000, 9999999))}


def write_export(path, tenants, subscriptions):
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADER)
        for sub in subscriptions:
            tenant_id, name = tenants[sub["tenant"]]
            offer_id, offer_name, sku = OFFERS[sub["offer"]]
            csp = sub["channel"] == "CSP"
            out.write(f"{tenant_id},{name},t{sub['tenant']}.onmicrosoft.com,{sub['id']},{sub['channel']},{offer_id},"
                      f"{offer_name},{sku},{sub['quantity']},{sub['status']},2025-04-01,2027-03-31,annual,P1Y,true,"
                      f"{PARTNER if csp else ''},{sub['advisor']},{'false' if csp else 'true'}\n")


def churn(rng, tenants, subscriptions, fraction):
    """Changes about `fraction` of the subscriptions: 60% quantity, 15% suspended, 15% new, 10% removed."""
    changes = max(1, int(len(subscriptions) * fraction))
    removed = set()
    added = []
    for _ in range(changes):
        roll = rng.random()
        sub = subscriptions[rng.randrange(len(subscriptions))]
        if roll < 0.60:
            sub["quantity"] += rng.choice([-2, -1, 1, 2, 5])
            sub["quantity"] = max(1, sub["quantity"])
        elif roll < 0.75:
            sub["status"] = "Suspended" if sub["status"] == "Active" else "Active"
        elif roll < 0.90:
            added.append(new_subscription(rng, rng.randrange(len(tenants))))
        else:
            removed.add(sub["id"])
    kept = [sub for sub in subscriptions if sub["id"] not in removed]
    # New subscriptions land inside their tenant's rows, as a real export sorted by tenant would put them.
    return sorted(kept + added, key=lambda sub: (sub["tenant"], sub["id"]))


def run(command, cwd):
    start = time.monotonic()
    result = subprocess.run(["/usr/bin/time", "-f", "%M %U %S"] + command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.monotonic() - start
    fields = result.stderr.strip().splitlines()[-1].split() if result.stderr.strip() else ["0", "0", "0"]
    peak_kb, cpu = int(fields[0]), float(fields[1]) + float(fields[2])
    if result.returncode not in (0, 1, 5):
        sys.exit(f"{' '.join(command)} exited {result.returncode}:\n{result.stderr[-2000:]}")
    return elapsed, cpu, peak_kb


def size(path):
    return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscriptions", type=int, default=1_000_000)
    parser.add_argument("--per-tenant", type=int, default=20)
    parser.add_argument("--nights", type=int, default=30)
    parser.add_argument("--churn", type=float, default=0.01)
    parser.add_argument("--binary", default=".build/release/coexist")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--prune-keep", type=int, default=0, help="after the nights, prune to this many runs and report")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    binary = os.path.abspath(args.binary)
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="coexist-measure-")
    store = os.path.join(work, "coexist.sqlite")
    tenant_count = max(1, args.subscriptions // args.per_tenant)
    tenants = [(str(uuid.UUID(int=rng.getrandbits(128), version=4)), f"Tenant {i} GmbH") for i in range(tenant_count)]
    subscriptions = sorted((new_subscription(rng, i // args.per_tenant) for i in range(args.subscriptions)),
                           key=lambda sub: (sub["tenant"], sub["id"]))
    export = os.path.join(work, "export.csv")
    try:
        write_export(export, tenants, subscriptions)
        export_size = os.path.getsize(export)
        elapsed, cpu, peak = run([binary, "import", export, "--store", store, "--label", "baseline", "--as-of", "2026-10-01", "-q"], work)
        one = size(store)
        print(f"# coexist store growth: {args.subscriptions:,} subscriptions, {tenant_count:,} tenants, "
              f"{args.churn:.1%} churn per night, {args.nights} nights\n")
        print(f"Export file: {export_size / 1e6:.1f} MB. Baseline import: {elapsed:.1f} s ({cpu:.1f} s CPU), peak memory {peak / 1024:.0f} MB, "
              f"store {one / 1e6:.1f} MB (one snapshot).\n")
        print("| night | subscriptions | run time (s) | CPU (s) | peak memory (MB) | store (MB) | growth this night (MB) | store / one snapshot |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        previous = one
        for night in range(1, args.nights + 1):
            subscriptions = churn(rng, tenants, subscriptions, args.churn)
            write_export(export, tenants, subscriptions)
            day = f"2026-11-{night:02d}" if night <= 30 else f"2026-12-{night - 30:02d}"
            elapsed, cpu, peak = run([binary, "reconcile", "--current", export, "--current-as-of", day, "--store", store,
                                    "--out", os.path.join(work, "reports"), "-q", "--allow-incomplete"], work)
            now = size(store)
            print(f"| {night} | {len(subscriptions):,} | {elapsed:.1f} | {cpu:.1f} | {peak / 1024:.0f} | {now / 1e6:.1f} | "
                  f"{(now - previous) / 1e6:.1f} | {now / one:.2f} |", flush=True)
            previous = now
        if args.prune_keep:
            elapsed, cpu, peak = run([binary, "prune", "--keep", str(args.prune_keep), "--store", store], work)
            print(f"\nAfter `coexist prune --keep {args.prune_keep}` (baselines and what findings point to stay): "
                  f"{size(store) / 1e6:.1f} MB, {size(store) / one:.2f} × one snapshot, in {elapsed:.1f} s.")
    finally:
        if args.keep:
            print(f"\nkept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
