namespace Sensor.Core.Decoding.Fragments;

/// <summary>What one fragment did to its datagram (the overlap policy is in <see cref="FragmentedDatagram"/>).</summary>
internal enum FragmentInsert : byte
{
    /// <summary>New bytes, no overlap.</summary>
    Taken,
    /// <summary>Wholly inside one run of held data, same bytes: dropped.</summary>
    Duplicate,
    /// <summary>Wholly inside one run of held data, different bytes: dropped, the first bytes kept (an anomaly).</summary>
    ConflictKeptFirst,
    /// <summary>Partly over held data with the same bytes: taken.</summary>
    IdenticalOverlap,
    /// <summary>Partly over held data with different bytes: the whole datagram is given up (an anomaly).</summary>
    ConflictDropsDatagram,
    /// <summary>The fragment's end contradicts the datagram's known length: the whole datagram is given up.</summary>
    Inconsistent,
    /// <summary>The fragment alone is unusable (no bytes after trimming to 8-octet units): dropped.</summary>
    Unusable,
}
