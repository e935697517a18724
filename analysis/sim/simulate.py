"""The simulator's public names in one place, for ``from analysis.sim import simulate``;
each is defined in the module of its job (settings, network, events, dataset, write, cli)."""

from analysis.sim.cli import main
from analysis.sim.dataset import SimulatedData, simulate_dataset
from analysis.sim.events import driver_years, iter_event_blocks
from analysis.sim.network import relationship_terms, simulate_network
from analysis.sim.settings import BLOCK_SIZE, DEFAULT_EFFECTS, DEFAULT_RATES, LAST_YEAR
from analysis.sim.write import write_dataset, write_simulated

__all__ = [
    "BLOCK_SIZE", "DEFAULT_EFFECTS", "DEFAULT_RATES", "LAST_YEAR", "SimulatedData", "driver_years",
    "iter_event_blocks", "main", "relationship_terms", "simulate_dataset", "simulate_network",
    "write_dataset", "write_simulated",
]
