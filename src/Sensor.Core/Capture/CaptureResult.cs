namespace Sensor.Core.Capture;

/// <summary>
/// A file that ended in the middle of a record (or a block). Everything before
/// <see cref="ByteOffset"/> was read and delivered.
/// </summary>
/// <param name="ByteOffset">Where the first incomplete record or block starts.</param>
/// <param name="OffsetIsExact">True when computed from the records themselves (classic pcap: 24 + Σ(16 + caplen);
/// pcapng: a walk of the block lengths); false when estimated.</param>
/// <param name="Detail">What libpcap said.</param>
public sealed record TruncationNote(string Path, int FileIndex, long ByteOffset, bool OffsetIsExact, long PacketsRead, string Detail)
{
    public string Message =>
        $"{Path}: truncated at byte {ByteOffset}{(OffsetIsExact ? "" : " (estimated)")} after {PacketsRead} packets ({Detail})";
}

/// <summary>What one file contributed.</summary>
public sealed record CaptureFileSummary(string Path, int LinkType, long Packets, long Bytes, long FileSize);

/// <summary>What a read produced: counts, per-file summaries and truncation notes.</summary>
public sealed record CaptureResult(long Packets, long Bytes, IReadOnlyList<CaptureFileSummary> Files,
    IReadOnlyList<TruncationNote> Truncations, bool Cancelled);
