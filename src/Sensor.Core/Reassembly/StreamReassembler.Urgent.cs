namespace Sensor.Core.Reassembly;

/// <summary>
/// Urgent data as the receiving stack hands it to the application. Linux by default (tcp_stdurg=0,
/// SO_OOBINLINE off), as BSD: the Urgent Pointer points one past the urgent byte (RFC 6093 §2), and
/// that one byte, at SEG.SEQ + UP - 1, is taken out of the stream (it can only be read with MSG_OOB),
/// so the server checks a password without it. Modelled as Linux's tcp_check_urg does: one urgent
/// mark at a time; a mark before RCV.NXT (its byte already received) or not after the pending one is
/// ignored; a later mark replaces one whose byte has not arrived yet (that byte then stays in the stream).
/// </summary>
internal sealed partial class StreamReassembler
{
    private uint _urgentSequence;
    private bool _urgentPending;

    private void MarkUrgent(uint sequence, ushort urgentPointer)
    {
        // A zero pointer points at nothing under the one-past reading (RFC 6093 §2); Linux takes no byte.
        if (urgentPointer == 0)
            return;
        uint mark = sequence + urgentPointer - 1;
        if (SequenceNumber.Before(mark, NextSequence) || (_urgentPending && !SequenceNumber.After(mark, _urgentSequence)))
            return;
        _urgentSequence = mark;
        _urgentPending = true;
    }

    /// <summary>Delivers <paramref name="data"/> without its byte at <paramref name="offset"/>, the urgent byte.</summary>
    private void DeliverAroundUrgent(ReadOnlySpan<byte> data, int offset)
    {
        _urgentPending = false;
        Stats.UrgentBytesRemoved++;
        Observer.OnAnomaly(_flow, CurrentDirection, ReassemblyAnomaly.UrgentData,
            $"urgent byte at sequence {_urgentSequence} taken out of the stream, as the receiving stack does");
        if (offset > 0)
            Observer.OnData(_flow, CurrentDirection, data[..offset]);
        if (offset + 1 < data.Length)
            Observer.OnData(_flow, CurrentDirection, data[(offset + 1)..]);
    }
}
