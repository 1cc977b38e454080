namespace Sensor.Core.Capture;

/// <summary>
/// A file that ended in the middle of a record (or a block), or, when <see cref="Malformed"/>, went on
/// with a record that cannot be (a length or interface the file does not hold). Everything before
/// <see cref="ByteOffset"/> was read and delivered.
/// </summary>
/// <param name="ByteOffset">Where the first incomplete or malformed record or block starts.</param>
/// <param name="OffsetIsExact">True when computed from the records themselves (classic pcap: 24 + Σ(16 + caplen);
/// pcapng: a walk of the block lengths); false when estimated.</param>
/// <param name="Detail">What libpcap (or the pcapng reader) said.</param>
/// <param name="Malformed">The file is corrupt there rather than cut short: an error, not a warning.</param>
public sealed record TruncationNote(string Path, int FileIndex, long ByteOffset, bool OffsetIsExact, long PacketsRead, string Detail, bool Malformed = false)
{
    public string Message =>
        $"{Path}: {(Malformed ? "malformed" : "truncated")} at byte {ByteOffset}{(OffsetIsExact ? "" : " (estimated)")} after {PacketsRead} packets ({Detail})";
}

/// <summary>
/// What one file contributed; <paramref name="CutFrames"/> frames were cut to at most <paramref name="SnapLength"/> bytes.
/// <paramref name="IsStream"/>: read from a pipe, a FIFO or stdin, which cannot be read again.
/// </summary>
public sealed record CaptureFileSummary(string Path, int LinkType, long Packets, long Bytes, long FileSize, long CutFrames = 0, int SnapLength = 0,
    bool IsStream = false)
{
    /// <summary>Null unless the snap length cut frames short: then what that costs the analysis.</summary>
    public string? CutWarning => CutFrames == 0 ? null
        : $"{Path}: {CutFrames} of {Packets} frames were cut short by the capture's snap length ({SnapLength} bytes kept): "
          + "what they carried beyond that is missing, so sessions have gaps and may lack commands, credentials and findings (capture with -s 0)";
}

/// <summary>What a read produced: counts, per-file summaries and truncation notes.</summary>
public sealed record CaptureResult(long Packets, long Bytes, IReadOnlyList<CaptureFileSummary> Files,
    IReadOnlyList<TruncationNote> Truncations, bool Cancelled);
