"""Discrete-event simulation (SimPy) of block trains through the corridor."""

from landbridge.simulation.corridor import CorridorModel, EndState, Segment, segments_of
from landbridge.simulation.eventlog import EVENTS, EventLog
from landbridge.simulation.run import ReplicationResult, replication_seed, simulate_replication

__all__ = ["CorridorModel", "EVENTS", "EndState", "EventLog", "ReplicationResult", "Segment",
           "replication_seed", "segments_of", "simulate_replication"]
