"""Many crawler processes on one Redis frontier and one index (docs/scale-out.md).

`state` holds what the processes share in Redis (the frontier with its leases, per-host politeness, the seeding
guard) and has no Scrapy in it; `scheduler`, `politeness` and `addon` are the Scrapy components that use it.
"""
