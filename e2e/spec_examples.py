"""The product description's own client code (../shared/spec/original-spec.md), run unchanged against our API.

Only BASE_URL differs (the spec's FastAPI listened on :8000; we serve /api on :8787) and TOKEN is obtained the
way the spec's curl example does it. Each block is followed by assertions on what it printed or returned.
Use Case 3 runs twice: on the fresh estate (2 % full, so it stops at the utilisation) and, once forty 10 U servers
bought one a month over the last 40 months fill the ten racks of DC-01, past 80 % so it asks for the forecast.
"""

import math
import os
import sys
from datetime import date

import requests

BASE_URL = os.environ.get("BASE_URL", "http://localhost:8787/api")
checks = 0


def check(cond, what):
    global checks
    if not cond:
        print(f"FAILED: {what}")
        sys.exit(1)
    checks += 1


# --- curl examples: register, login ---------------------------------------------------------------------------
r = requests.post(
    f"{BASE_URL}/register",
    json={
        "username": "john_doe",
        "email": "john@example.com",
        "password": "secure_password",
        "full_name": "John Doe",
        "role": "operator",
    },
)
check(r.status_code == 201, f"register: {r.status_code} {r.text}")

response = requests.post(f"{BASE_URL}/token", data={"username": "admin", "password": "admin123"})
check(response.status_code == 200, f"token: {response.status_code} {response.text}")
check(response.json()["token_type"] == "bearer", "token_type is bearer")
TOKEN = response.json()["access_token"]

# --- tests/test_api.py from the spec, with the FastAPI TestClient replaced by requests on BASE_URL -------------
response = requests.get(f"{BASE_URL}/health")
assert response.status_code == 200
assert response.json()["status"] == "healthy"
checks += 2

# --- Use Case 1: Setup Initial Infrastructure (verbatim) --------------------------------------------------------
headers = {"Authorization": f"Bearer {TOKEN}"}

# 1. Create datacenter
dc_data = {
    "name": "DC-01",
    "location": "Primary Site",
    "tier": "Tier 3",
    "total_space_sqm": 2000.0,
    "power_capacity_mw": 5.0,
    "cooling_capacity_mw": 3.0,
    "pue_target": 1.4
}

response = requests.post(f"{BASE_URL}/datacenters", json=dc_data, headers=headers)
dc = response.json()
print(f"Datacenter created: {dc['name']}")

# 2. Add 10 racks
for i in range(1, 11):
    rack_data = {
        "name": f"RACK-A-{i:03d}",
        "datacenter_id": dc['id'],
        "location": f"Row A, Position {i}",
        "row": "A",
        "position": i,
        "u_capacity": 42,
        "power_capacity_kw": 10.0,
        "cooling_type": "Air Cooling",
        "security_zone": "Confidential"
    }

    response = requests.post(f"{BASE_URL}/racks", json=rack_data, headers=headers)
    rack = response.json()
    print(f"Rack created: {rack['name']}")

check(requests.get(f"{BASE_URL}/racks", params={"datacenter_id": dc["id"]}, headers=headers).headers["X-Total-Count"] == "10", "10 racks")

# --- curl examples 1-3: datacenter, rack, server ---------------------------------------------------------------
r = requests.post(f"{BASE_URL}/datacenters", headers=headers, json={
    "name": "DC-PRIMARY", "location": "New York, USA", "tier": "Tier 3", "total_space_sqm": 5000.0,
    "power_capacity_mw": 10.0, "cooling_capacity_mw": 6.0, "pue_target": 1.4})
check(r.status_code == 201, f"DC-PRIMARY: {r.status_code} {r.text}")
r = requests.post(f"{BASE_URL}/racks", headers=headers, json={
    "name": "RACK-A-001", "datacenter_id": r.json()["id"], "location": "Row A, Position 1", "row": "A", "position": 1,
    "u_capacity": 42, "power_capacity_kw": 10.0, "cooling_type": "Liquid Cooling", "security_zone": "Confidential"})
check(r.status_code == 201, f"RACK-A-001: {r.status_code} {r.text}")
r = requests.post(f"{BASE_URL}/servers", headers=headers, json={
    "name": "SRV-WEB-001", "rack_id": r.json()["id"], "server_type": "Compute", "manufacturer": "Dell",
    "model": "PowerEdge R750", "serial_number": "SRV123456", "u_position": 1, "u_size": 2,
    "cpu_model": "Intel Xeon Gold 6338", "cpu_cores": 64, "ram_gb": 512, "storage_tb": 4.0, "power_supply_w": 750,
    "os": "Ubuntu 22.04", "ip_address": "10.0.1.10", "management_ip": "10.0.0.10"})
check(r.status_code == 201, f"SRV-WEB-001: {r.status_code} {r.text}")
check(r.json()["id"] == 1, f"SRV-WEB-001 is server 1 on a fresh database, as example 4 assumes: {r.text}")

# --- curl example 4: a VM on server 1 --------------------------------------------------------------------------
r = requests.post(f"{BASE_URL}/vms", headers=headers, json={
    "name": "VM-WEB-APP-01", "host_server_id": 1, "os": "Ubuntu 22.04", "cpu_cores": 4, "ram_gb": 16,
    "disk_gb": 200, "network_type": "Bridged", "vlan": "100"})
check(r.status_code == 201, f"VM-WEB-APP-01: {r.status_code} {r.text}")
vm = r.json()
check(vm["host_server_id"] == 1 and vm["cpu_cores"] == 4 and vm["vlan"] == "100", f"VM-WEB-APP-01: {vm}")

# --- Use Case 2: Monitor & Alert -----------------------------------------------------------------------------------
# Get real-time dashboard metrics
response = requests.get(f"{BASE_URL}/dashboard/metrics", headers=headers)
metrics = response.json()

print(f"Total Servers: {metrics['total_servers']}")
print(f"PUE: {metrics['pue']}")
print(f"Active Alerts: {metrics['active_alerts']}")
check(metrics["total_servers"] == 1 and metrics["active_alerts"] == 0 and metrics["pue"] == 1.4, f"metrics {metrics}")

# Check for alerts
response = requests.get(f"{BASE_URL}/alerts?resolved=false", headers=headers)
alerts = response.json()

for alert in alerts:
    if alert['severity'] == 'critical':
        print(f"🔴 CRITICAL: {alert['message']}")

        # Auto-acknowledge
        requests.put(
            f"{BASE_URL}/alerts/{alert['id']}/acknowledge",
            headers=headers
        )
check(response.status_code == 200 and alerts == [], f"alerts on an estate without telemetry: {response.text}")

# --- Use Case 3: Capacity Planning, on the fresh estate ------------------------------------------------------------
# Get current capacity
response = requests.get(f"{BASE_URL}/analytics/capacity", headers=headers)
capacity = response.json()

rack_util = capacity['rack_space']['utilization_pct']
print(f"Rack utilization: {rack_util:.1f}%")
check(abs(rack_util - 100 * 2 / (11 * 42)) < 0.1, f"rack utilisation {rack_util}")

# --- the racks of DC-01 fill up: four 10 U servers each, bought one a month (the newest this month) -------------
racks_a = requests.get(f"{BASE_URL}/racks", params={"datacenter_id": dc["id"], "limit": 10}, headers=headers).json()
today = date.today()
for k in range(40):
    y, m = divmod(today.year * 12 + today.month - 1 - k, 12)
    r = requests.post(f"{BASE_URL}/servers", headers=headers, json={
        "name": f"SRV-FILL-{k:03d}", "rack_id": racks_a[k % 10]["id"], "serial_number": f"FILL{k:05d}",
        "u_position": 1 + 10 * (k // 10), "u_size": 10, "power_supply_w": 1000,
        "purchase_date": date(y, m + 1, 1).isoformat()})
    check(r.status_code == 201, f"SRV-FILL-{k:03d}: {r.status_code} {r.text}")

# --- Use Case 3: Capacity Planning, unchanged, now past 80 % ---------------------------------------------------------
# Get current capacity
response = requests.get(f"{BASE_URL}/analytics/capacity", headers=headers)
capacity = response.json()

rack_util = capacity['rack_space']['utilization_pct']
print(f"Rack utilization: {rack_util:.1f}%")

if rack_util > 80:
    print("⚠ HIGH UTILIZATION - Need to add racks")
    
    # Get forecast
    response = requests.get(f"{BASE_URL}/analytics/forecast?months=6", headers=headers)
    forecast = response.json()
    
    print(f"In 6 months, you'll need: {forecast[-1]['racks_needed']} racks")

# 402 of 462 U: 87 %. Growth is 10 U a month for 36 months (the window's first month holds the five older
# servers; SRV-WEB-001's 2 U arrived this month), so in 6 months 462-465 U. Racks of 42 U and 10 kW with 15 %
# headroom hold 35.7 U and 8.5 kW each: U decides (power grows from 40.75 kW by 1 kW a month: 6 racks)
check(abs(rack_util - 100 * 402 / 462) < 0.1, f"rack utilisation {rack_util}")
check(response.status_code == 200 and len(forecast) == 6, f"6-month forecast: {response.text}")
last = forecast[-1]
check(462 <= last['u_used'] <= 465 and last['racks_needed'] == math.ceil(last['u_used'] / 35.7), f"6 months: {last}")

# --- curl example 6: Capacity Forecast over 12 months --------------------------------------------------------------
r = requests.get(f"{BASE_URL}/analytics/forecast?months=12", headers=headers)
year = r.json()
check(r.status_code == 200 and len(year) == 12 and r.headers["X-Total-Count"] == "12", f"12 months: {r.text}")
# 522-528 U / 35.7 = 14.6-14.8 -> 15 racks; 4 more beyond the 11 installed
check(year[-1]['racks_needed'] == 15 and year[-1]['racks_to_add'] == 4, f"12 months ahead: {year[-1]}")
check(all(m['lower']['racks_needed'] <= m['racks_needed'] <= m['upper']['racks_needed'] for m in year), "intervals")

print(f"{checks} passed, 0 failed")
