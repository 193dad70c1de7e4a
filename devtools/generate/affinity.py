"""Planted product affinity in the sample data: which add-on a deal takes depends on its tier.

Enterprise deals mostly take the Advanced Analytics add-on and Professional deals the Data
Connectors add-on, so (enterprise -> analytics_addon) and (professional -> connectors_addon) are
bought together more often than chance (lift > 1 in marts.product_affinity). The draw is one
uniform number, as before, so the generator's random stream is unchanged in length.
"""

from __future__ import annotations

# tier -> ((upper bound of the uniform draw, add-on), ...): the first bound above the draw wins
ADDON_BY_TIER = {
    "enterprise": ((0.55, "analytics_addon"), (0.62, "connectors_addon")),
    "professional": ((0.08, "analytics_addon"), (0.38, "connectors_addon")),
    "starter": ((0.04, "analytics_addon"), (0.08, "connectors_addon")),
}
PLANTED_PAIRS = (("enterprise", "analytics_addon"), ("professional", "connectors_addon"))


def addon_for(tier: str, draw: float) -> str | None:
    for bound, addon in ADDON_BY_TIER.get(tier, ()):
        if draw < bound:
            return addon
    return None


def truth(billing) -> dict:
    """Planted pairs as product ids (both directions are expected to have lift > 1)."""
    return {"planted_pairs": [{"product_a": billing.products[a]["id"], "product_b": billing.products[b]["id"],
                               "tier": a, "addon": b} for a, b in PLANTED_PAIRS]}
