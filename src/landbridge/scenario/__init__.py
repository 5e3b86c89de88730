"""Scenarios: schema, loading, compilation against a network."""

from landbridge.scenario.compile import (
    CompiledScenario,
    ServicePlan,
    WindowEffect,
    apply_policies,
    compile_scenario,
    resolve_network,
)
from landbridge.scenario.loader import (
    bundled_scenarios,
    load_scenario,
    parse_scenario,
    scenario_hash,
    scenario_json_schema,
    scenario_path,
)
from landbridge.scenario.schema import Investment, Scenario, Service

__all__ = [
    "CompiledScenario", "Investment", "Scenario", "Service", "ServicePlan", "WindowEffect",
    "apply_policies", "bundled_scenarios", "compile_scenario", "load_scenario",
    "parse_scenario", "resolve_network", "scenario_hash", "scenario_json_schema",
    "scenario_path",
]
