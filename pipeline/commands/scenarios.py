"""``rolegrid scenarios [show ID]``: list the exam scenarios, or print one."""

from __future__ import annotations

import argparse
import textwrap
from typing import Any


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "scenarios",
        help="list the 20 exam scenarios, or show one",
        description="List the scenarios (id, market, domain, type, title); `rolegrid scenarios show ID` prints one.",
    )
    p.add_argument(
        "action", nargs="?", choices=("list", "show"), default="list", help="list (default) or show"
    )
    p.add_argument("scenario_id", nargs="?", metavar="ID", help="scenario id for `show`")
    p.add_argument("--dir", metavar="FOLDER", help="scenario folder (default: scenarios/)")
    p.set_defaults(func=run)


MARKET_LABELS = {"b2b": "BtoB", "b2c": "BtoC"}
DOMAIN_LABELS = {
    "tech": "Tech-Digital",
    "industrie": "Industrie",
    "agriculture": "Agriculture",
    "artisanat": "Artisanat",
    "service": "Service",
}


def format_scenario(sc, referentiel) -> str:
    """A readable French rendering of one scenario."""
    wrap = textwrap.TextWrapper(width=100, subsequent_indent="    ")
    out = [
        f"{sc.id} — {sc.title}",
        f"Marché : {MARKET_LABELS[sc.market]} · Domaine : {DOMAIN_LABELS[sc.domain]} · Vente : {sc.sale_type}",
        "",
        wrap.fill(f"Contexte : {sc.context}"),
        "",
        f"Client : {sc.client.name}, {sc.client.role} — {sc.client.organisation}",
        wrap.fill(f"  Personnalité : {sc.client.personality}"),
        "  À l'aise quand : " + " ; ".join(sc.client.comfortable_when),
        "  Mal à l'aise quand : " + " ; ".join(sc.client.uncomfortable_when),
        "",
        f"Offre : {sc.offer.name}",
        wrap.fill(f"  {sc.offer.description}"),
    ]
    out += [f"  - {p.label} : {p.price}" for p in sc.offer.prices]
    out += ["", "Termes techniques → bénéfice pour le client :"]
    out += [f"  - {t.term} → {t.benefit}" for t in sc.technical_terms]
    out += ["", "Besoins du client :"]
    out += [f"  - [{n.id}] {n.text}" for n in sc.needs]
    out += ["", "Objections du script :"]
    out += [f"  - ({referentiel.objection_kinds.get(o.kind, o.kind)}) {o.text}" for o in sc.objections]
    out += ["", "Signaux d'achat :"]
    out += [f"  - {s}" for s in sc.buying_signals]
    out += ["", "Temps prévu par étape :"]
    for k, minutes in sc.steps_minutes.items():
        out.append(f"  {k}. {referentiel.step(k).name} : {minutes:g} min")
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    from ..errors import ConfigError
    from ..scenarios import list_scenarios, load_referentiel, load_scenario

    if args.action == "show":
        if not args.scenario_id:
            raise ConfigError(
                "`rolegrid scenarios show` needs a scenario id.", "List them with `rolegrid scenarios`."
            )
        print(format_scenario(load_scenario(args.scenario_id, args.dir), load_referentiel()))
        return 0
    scenarios = list_scenarios(args.dir)
    print(f"{'id':<26} {'marché':<6} {'domaine':<13} {'type':<8} titre")
    for sc in scenarios:
        print(
            f"{sc.id:<26} {MARKET_LABELS[sc.market]:<6} {DOMAIN_LABELS[sc.domain]:<13} {sc.sale_type:<8} {sc.title}"
        )
    print(f"\n{len(scenarios)} scénario(s).")
    return 0
