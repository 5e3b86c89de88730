"""Discrete-event simulation (SimPy) of block trains through the corridor."""

from landbridge.simulation.accounting import CorridorLoad, EndState
from landbridge.simulation.corridor import CorridorModel
from landbridge.simulation.disruptions import Disruptions
from landbridge.simulation.eventlog import EVENTS, EventLog
from landbridge.simulation.kinds import SegmentKind, TrainState
from landbridge.simulation.reformation import ReformationStat
from landbridge.simulation.run import ReplicationResult, replication_seed, simulate_replication
from landbridge.simulation.segments import Segment, segments_of
from landbridge.simulation.streams import Streams

__all__ = ["CorridorLoad", "CorridorModel", "Disruptions", "EVENTS", "EndState", "EventLog",
           "ReformationStat", "ReplicationResult", "SegmentKind", "Segment", "Streams",
           "TrainState", "replication_seed", "segments_of", "simulate_replication"]
