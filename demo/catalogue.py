"""Word lists and catalogues the demo company is drawn from."""

from __future__ import annotations

PREFIXES = [
    "Acme",
    "Northwind",
    "Bluewater",
    "Harbor",
    "Summit",
    "Crescent",
    "Pinecrest",
    "Redwood",
    "Granite",
    "Silverline",
    "Oakridge",
    "Brightpath",
    "Ironbridge",
    "Lakeside",
    "Meridian",
    "Westfield",
    "Kingsway",
    "Evergreen",
    "Falcon",
    "Sterling",
    "Riverside",
    "Highgate",
    "Coastal",
    "Beacon",
    "Cedar",
    "Horizon",
    "Maple",
    "Aurora",
    "Pioneer",
    "Vantage",
]
SUFFIXES = [
    "Dental Group",
    "Logistics",
    "Accountants LLP",
    "Medical Practice",
    "Law Partners",
    "Manufacturing",
    "Hotels",
    "Architects",
    "Retail Ltd",
    "Engineering",
    "Foods",
    "Property Management",
    "Schools Trust",
    "Insurance Brokers",
    "Veterinary Clinic",
    "Credit Union",
    "Construction",
    "Media",
    "Pharmacy",
    "Transport",
]
INDUSTRIES = [
    "healthcare",
    "legal",
    "finance",
    "manufacturing",
    "retail",
    "education",
    "hospitality",
    "construction",
    "logistics",
    "media",
]
FIRST = [
    "Alex",
    "Sam",
    "Jordan",
    "Taylor",
    "Morgan",
    "Casey",
    "Jamie",
    "Robin",
    "Chris",
    "Pat",
    "Dana",
    "Lee",
    "Kim",
    "Avery",
    "Riley",
    "Quinn",
    "Drew",
    "Cameron",
]
LAST = [
    "Smith",
    "Jones",
    "Patel",
    "Garcia",
    "Müller",
    "Nguyen",
    "O'Brien",
    "Kowalski",
    "Rossi",
    "Schmidt",
    "Brown",
    "Wilson",
    "Khan",
    "Dubois",
    "Larsen",
    "Silva",
]
CITIES = [
    ("London", "GB"),
    ("Manchester", "GB"),
    ("New York", "US"),
    ("Chicago", "US"),
    ("Munich", "DE"),
    ("Berlin", "DE"),
    ("Sydney", "AU"),
    ("Austin", "US"),
]

# (name, spec, tz, country, subdivision)
CALENDARS = [
    ("London office 8x5", "Mon-Fri 08:00-17:00", "Europe/London", "GB", "ENG"),
    ("New York office 9x5", "Mon-Fri 08:00-18:00", "America/New_York", "US", "NY"),
    ("Chicago 12x5", "Mon-Fri 07:00-19:00", "America/Chicago", "US", "IL"),
    ("Munich office 8x5", "Mon-Fri 08:00-17:00", "Europe/Berlin", "DE", "BY"),
    ("Sydney 10x5", "Mon-Fri 08:00-18:00", "Australia/Sydney", "AU", "NSW"),
    ("24x7 (UTC)", "24x7", "UTC", None, None),
]

SERVICE_TYPES = [
    "desktop support",
    "server support",
    "network",
    "email",
    "security",
    "backup",
    "printer",
    "onboarding",
]

# Service types are the keys tickets, entitlements and contracts share; the text is how
# contracts describe them.
INCLUDED = {
    "desktop support": "Desktop and laptop support for named users",
    "email": "Microsoft 365 and Exchange Online administration",
    "network": "Network monitoring of switches, routers and firewalls",
    "server support": "Server patching, monitoring and break-fix",
    "backup": "Backup monitoring and quarterly restore tests",
    "onboarding": "User onboarding and offboarding",
    "security": "Antivirus and endpoint protection management",
    "printer": "Printer and MFP support (excluding consumables)",
}
EXCLUDED = {
    "hardware parts": "Hardware replacement parts",
    "software development": "Software development and scripting projects",
    "printer consumables": "Printer consumables (toner, ink, paper)",
    "training": "End-user training",
    "cabling": "Cabling and electrical work",
}
# Default SLA targets per tier, in covered minutes: priority -> (response, resolution).
# Kept equal to sla.policy.TIER_DEFAULTS (tested); P1 runs 24x7 for TIER_24X7_P1 tiers.
TIER_TARGETS = {
    "platinum": {"P1": (15, 240), "P2": (30, 480), "P3": (120, 1440), "P4": (240, 2880)},
    "gold": {"P1": (30, 480), "P2": (60, 960), "P3": (240, 2400), "P4": (480, 4800)},
    "silver": {"P1": (60, 480), "P2": (120, 1440), "P3": (480, 2880), "P4": (960, 4800)},
    "bronze": {"P1": (120, 960), "P2": (240, 2400), "P3": (960, 4800), "P4": (1920, 9600)},
}
TIER_24X7_P1 = ("platinum", "gold")

CREDENTIALS = [
    "CompTIA A+",
    "Background check",
    "CSCS card",
    "Microsoft 365 Certified",
    "Cisco CCNA",
    "First aid",
]
