#!/usr/bin/env bash
# Measures coexist on a large Microsoft Graph directory/subscriptions JSON file (docs/formats.md,
# "Measurements"): wall time and peak memory of `coexist validate`, which streams the file through the
# JSON tokenizer and decodes every subscription into the model.
#
#   scripts/bench-json.sh [size in MiB, default 1024] [coexist binary, default .build-release/release/coexist]
#
# Build the binary first: swift build -c release --build-path .build-release --product coexist
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-1024}"
binary="${2:-.build-release/release/coexist}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
file="$dir/directory-subscriptions-ecd4de63-9d00-4d0c-af04-90b7668c9128.json"

python3 - "$file" "$size" <<'PY'
import random, sys, uuid
random.seed(7)
target = int(sys.argv[2]) * 1024 * 1024
skus = [("05e9a617-0261-4cee-bb44-138d3ef5d965", "SPE_E3"), ("6fd2c87f-b296-42f0-b197-1e91b994b900", "ENTERPRISEPACK"),
        ("f8a1db68-be16-40ed-86d5-cb42ce701560", "POWER_BI_PRO")]
with open(sys.argv[1], "w") as f:
    f.write('{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#directory/subscriptions","value":[\n')
    n = size = 0
    while size < target:
        sku = skus[n % 3]
        item = ('{"id":"%s","commerceSubscriptionId":"%s","createdDateTime":"2025-03-01T09:12:51Z","isTrial":false,'
                '"nextLifecycleDateTime":"2027-03-01T00:00:00Z","ownerId":null,"ownerTenantId":%s,"ownerType":null,'
                '"serviceStatus":[{"servicePlanId":"efb87545-963c-4e0d-99df-69c6916d9eb0","servicePlanName":"EXCHANGE_S_ENTERPRISE",'
                '"provisioningStatus":"Success","appliesTo":"User"}],"skuId":"%s","skuPartNumber":"%s","status":"Enabled","totalLicenses":%d}') % (
            uuid.UUID(int=random.getrandbits(128), version=4), uuid.UUID(int=random.getrandbits(128), version=4),
            '"c940b6be-9bf8-478b-8c9e-d0eee1c80ac1"' if n % 2 else "null", sku[0], sku[1], n % 500 + 1)
        line = ("" if n == 0 else ",\n") + item
        f.write(line)
        size += len(line)
        n += 1
    f.write("\n]}\n")
print(f"{n} subscriptions, {size / 1048576:.0f} MiB", file=sys.stderr)
PY

/usr/bin/time -f "coexist validate: %e s wall, %M KiB peak resident" "$binary" validate "$file" >/dev/null
