using Sensor.Core.Decoding;

namespace Sensor.Core.Reassembly;

/// <summary>
/// Checksums, verified only where they mean something. A host capture sees its own outgoing segments
/// before the NIC fills their checksums in (offload: every one "bad"); a span port sees every checksum
/// as sent. So each direction decides from its first checkable segment: good, and from then on every
/// segment is verified (a bad one is what a forger sends and the receiver drops, RFC 9293 §3.1); bad,
/// and the direction is taken as offloaded and nothing more is verified (no CPU spent).
/// A bad segment with data in a verified direction is set aside rather than dropped outright: a host
/// capture's GRO-merged segments also show a bad checksum. A good version of the same bytes makes it
/// forged (dropped, anomaly); the receiver acknowledging its bytes with none seen makes it real (accepted).
/// </summary>
internal sealed partial class StreamReassembler
{
    private enum ChecksumTrust : byte { Undecided, Verified, Offloaded }

    private ChecksumTrust _checksums;
    private List<HeldSegment>? _suspects;

    /// <summary>
    /// False when the segment must not be processed: a bad checksum in a direction whose checksums are good.
    /// Its data, if any, is set aside until a good version or the peer's acknowledgment decides.
    /// </summary>
    public bool PassesChecksum(in TcpSegment segment)
    {
        if (_checksums == ChecksumTrust.Offloaded)
            return true;
        var result = TcpChecksum.Verify(segment);
        if (result == ChecksumResult.Unknown)
            return true;
        if (_checksums == ChecksumTrust.Undecided)
        {
            _checksums = result == ChecksumResult.Good ? ChecksumTrust.Verified : ChecksumTrust.Offloaded;
            if (_checksums == ChecksumTrust.Offloaded)
                Stats.OffloadedStreams++;
            return true;
        }
        if (result == ChecksumResult.Good)
            return true;
        Stats.BadChecksums++;
        if (segment.Payload.IsEmpty || segment.Has(TcpFlags.Rst) || _flow.Ignored || !SetAside(segment.Sequence, segment.Payload))
            Forged(segment.Sequence, segment.Has(TcpFlags.Rst) ? "RST" : segment.Payload.IsEmpty ? "segment" : "data");
        return false;
    }

    private bool SetAside(uint sequence, ReadOnlySpan<byte> data)
    {
        var limits = _context.Limits;
        int rented = PooledSize(data.Length);
        if ((_suspects?.Count ?? 0) >= limits.MaxSuspectSegmentsPerDirection || !_context.GlobalBudgetAllows(rented))
            return false;
        _suspects ??= new List<HeldSegment>(2);
        var suspect = new HeldSegment(sequence, data);
        _suspects.Add(suspect);
        Stats.AddBuffered(suspect.Buffer.Length);
        return true;
    }

    /// <summary>Good data arrived for [sequence, end): bad-checksum segments over the same bytes were forged.</summary>
    private void DropForgedOver(uint sequence, uint end)
    {
        for (int i = _suspects!.Count - 1; i >= 0; i--)
        {
            var suspect = _suspects[i];
            if (SequenceNumber.Before(suspect.Sequence, end) && SequenceNumber.Before(sequence, suspect.End))
            {
                _suspects.RemoveAt(i);
                Forged(suspect.Sequence, "data");
                ReturnSuspect(suspect);
            }
        }
    }

    /// <summary>The receiver acknowledged bytes a suspect carries, with no good version seen: the capture's checksum was wrong, the bytes real.</summary>
    private void AcceptAcknowledgedSuspects(uint ack)
    {
        for (int i = 0; i < _suspects!.Count; i++)
        {
            var suspect = _suspects[i];
            if (!SequenceNumber.Before(suspect.Sequence, ack))
                continue;
            _suspects.RemoveAt(i--);
            Stats.BadChecksumsAccepted++;
            Accept(suspect.Sequence, suspect.Data);
            ReturnSuspect(suspect);
        }
    }

    private void Forged(uint sequence, string what)
    {
        Observer.OnAnomaly(_flow, CurrentDirection, ReassemblyAnomaly.BadChecksum,
            $"{what} at sequence {sequence} with a bad checksum where this side's checksums are good; dropped, as the receiver does");
    }

    /// <summary>At the flow's end: suspects never acknowledged were never received.</summary>
    public void DropSuspects() => ReleaseSuspects(report: true);

    private void ReleaseSuspects(bool report)
    {
        if (_suspects is null)
            return;
        foreach (var suspect in _suspects)
        {
            if (report)
                Forged(suspect.Sequence, "data");
            ReturnSuspect(suspect);
        }
        _suspects.Clear();
    }

    private void ReturnSuspect(HeldSegment suspect)
    {
        Stats.AddBuffered(-suspect.Buffer.Length);
        suspect.Return();
    }
}
