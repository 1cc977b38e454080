using Sensor.Core.Decoding;

namespace Sensor.Tests.Replay;

/// <summary>
/// Adversarial re-cuts of a real capture's segments (real traffic, chopped every way): what an evader, a
/// lossy tap or a hostile middlebox would hand the sensor. Deterministic: a fixed seed each.
/// </summary>
public static class CaptureMutations
{
    /// <summary>Every data segment re-split into 1–7-byte pieces.</summary>
    public static List<SegmentSpec> Resplit(IReadOnlyList<SegmentSpec> segments, int seed = 1)
    {
        var rng = new Random(seed);
        var result = new List<SegmentSpec>();
        foreach (var s in segments)
        {
            if (!s.IsData)
            {
                result.Add(s);
                continue;
            }
            for (int offset = 0; offset < s.Payload.Length;)
            {
                int size = Math.Min(rng.Next(1, 8), s.Payload.Length - offset);
                result.Add(Piece(s, offset, size));
                offset += size;
            }
        }
        return result;
    }

    /// <summary>Resplit, then each adjacent pair of pieces in one direction swapped.</summary>
    public static List<SegmentSpec> Reorder(IReadOnlyList<SegmentSpec> segments)
    {
        var result = Resplit(segments, seed: 2);
        for (int i = 0; i + 1 < result.Count; i += 2)
            if (result[i].IsData && result[i + 1].IsData && result[i].Source == result[i + 1].Source)
                (result[i], result[i + 1]) = (result[i + 1], result[i]);
        return result;
    }

    /// <summary>Every segment sent twice (a retransmission of each).</summary>
    public static List<SegmentSpec> Duplicate(IReadOnlyList<SegmentSpec> segments) =>
        segments.SelectMany(s => s.IsData ? new[] { s, s } : [s]).ToList();

    /// <summary>
    /// Resplit, and after each piece a segment spanning it and the start of the next with the same
    /// bytes (identical overlap) or with every byte flipped (conflicting overlap: first wins).
    /// </summary>
    public static List<SegmentSpec> Overlap(IReadOnlyList<SegmentSpec> segments, bool conflicting)
    {
        var result = new List<SegmentSpec>();
        foreach (var s in segments)
        {
            if (!s.IsData || s.Payload.Length < 4)
            {
                result.Add(s);
                continue;
            }
            int half = s.Payload.Length / 2;
            result.Add(Piece(s, 0, half));
            result.Add(Piece(s, half, s.Payload.Length - half));
            var overlap = Piece(s, half / 2, s.Payload.Length - half / 2 - 1);
            result.Add(conflicting ? overlap with { Payload = overlap.Payload.Select(b => (byte)~b).ToArray() } : overlap);
        }
        return result;
    }

    /// <summary>The client's SYN dropped (the SYN/ACK still tells its initial sequence number).</summary>
    public static List<SegmentSpec> DropSyn(IReadOnlyList<SegmentSpec> segments) =>
        segments.Where(s => !(s.Flags.HasFlag(TcpFlags.Syn) && !s.Flags.HasFlag(TcpFlags.Ack))).ToList();

    /// <summary>A piece of a segment; a FIN (and PSH) stays on the piece that ends where the segment ended, as a sender's stack puts it.</summary>
    private static SegmentSpec Piece(SegmentSpec s, int offset, int length) =>
        s with
        {
            Sequence = unchecked(s.Sequence + (uint)offset),
            Payload = s.Payload.AsSpan(offset, length).ToArray(),
            Flags = offset + length == s.Payload.Length ? s.Flags : s.Flags & ~(TcpFlags.Fin | TcpFlags.Psh),
        };
}
