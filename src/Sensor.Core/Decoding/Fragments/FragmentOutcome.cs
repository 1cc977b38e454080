namespace Sensor.Core.Decoding.Fragments;

/// <summary>What the defragmenter did with one fragment.</summary>
public enum FragmentOutcome : byte
{
    /// <summary>Kept (or dropped as a duplicate); the datagram is not whole yet.</summary>
    Held,
    /// <summary>The datagram is whole: decode it as a packet.</summary>
    Reassembled,
    /// <summary>Whole, and one of its fragments had carried other bytes for a range already held (the first were kept): an anomaly.</summary>
    ReassembledAfterConflict,
    /// <summary>A fragment overlapped held data with other bytes: the datagram was given up, as Linux does (an anomaly).</summary>
    DroppedOnConflict,
    /// <summary>The datagram would be longer than 65535 bytes: given up (an anomaly).</summary>
    Oversize,
    /// <summary>Given up or not taken for another counted reason: a cap, a timeout, contradictory lengths, a fragment cut by the capture.</summary>
    Dropped,
}
