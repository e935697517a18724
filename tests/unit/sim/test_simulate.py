"""``analysis.sim.simulate`` offers the simulator's public names, the same objects as in their own modules."""

from analysis.sim import cli, dataset, events, network, settings, simulate, write


def test_public_names_are_the_defining_modules_objects():
    homes = {"main": cli, "simulate_dataset": dataset, "SimulatedData": dataset, "driver_years": events,
             "iter_event_blocks": events, "simulate_network": network, "relationship_terms": network,
             "DEFAULT_EFFECTS": settings, "DEFAULT_RATES": settings, "LAST_YEAR": settings,
             "BLOCK_SIZE": settings, "write_dataset": write, "write_simulated": write}
    assert set(simulate.__all__) == set(homes)
    for name, module in homes.items():
        assert getattr(simulate, name) is getattr(module, name), name
