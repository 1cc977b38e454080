using Sensor.Core.Decoding;
using Sensor.Core.Reassembly;

namespace Sensor.Tests.Reassembly;

/// <summary>
/// Reassembly keeps to what the receiving stack takes: RSTs per RFC 5961, urgent bytes out of the stream
/// as Linux does, bad checksums dropped where checksums are good, and both versions of a rewritten range.
/// </summary>
public class EndpointViewTests
{
    private static FlowScript Session() =>
        new FlowScript().Handshake().ServerSends(1, "220 mail ESMTP\r\n").ClientSends(1, "EHLO a\r\n");

    [Fact]
    public void Rst_AtTheNextSequenceNumber_EndsTheFlow()
    {
        var s = Session().ServerSends(17, "", TcpFlags.Rst | TcpFlags.Ack);
        Assert.Equal(FlowEndReason.Reset, s.Observer.Ended.Single().Reason);
        Assert.Equal(0, s.Table.Stats.ResetsIgnored);
    }

    [Fact]
    public void Rst_InTheWindowButNotAtTheNextSequenceNumber_IsIgnored_AndTheFlowGoesOn()
    {
        var s = Session().ServerSends(17 + 1000, "", TcpFlags.Rst | TcpFlags.Ack)
            .ServerSends(17, "250 ok\r\n").ClientSends(9, "QUIT\r\n");
        Assert.Empty(s.Observer.Ended);
        Assert.Equal(1, s.Table.Stats.ResetsIgnored);
        Assert.Equal((Direction.ServerToClient, ReassemblyAnomaly.ResetIgnored), s.Observer.Anomalies.Single());
        Assert.Equal("220 mail ESMTP\r\n250 ok\r\n", s.Observer.Text(Direction.ServerToClient));
        Assert.Equal("EHLO a\r\nQUIT\r\n", s.Observer.Text(Direction.ClientToServer));
        Assert.Equal(1, s.Table.Count);
    }

    [Fact]
    public void Rst_BehindTheNextSequenceNumber_IsIgnored()
    {
        var s = Session().ClientSends(5, "", TcpFlags.Rst | TcpFlags.Ack);
        Assert.Empty(s.Observer.Ended);
        Assert.Equal(1, s.Table.Stats.ResetsIgnored);
    }

    [Fact]
    public void Rst_AfterTheFin_AtTheFinPlusOne_EndsTheFlow()
    {
        var s = Session().ServerSends(17, "221 bye\r\n", TcpFlags.Ack | TcpFlags.Fin | TcpFlags.Psh).ServerSends(27, "", TcpFlags.Rst);
        Assert.Equal(FlowEndReason.Reset, s.Observer.Ended.Single().Reason);
    }

    [Fact]
    public void Rst_AtTheEndOfWhatTheSenderSent_EndsTheFlow_EvenWithAHoleTheCaptureMissed()
    {
        // Bytes 17-24 never reached the capture; the receiver had them, so its RCV.NXT is past them.
        var s = Session().ServerSends(25, "250 ok\r\n").ServerSends(33, "", TcpFlags.Rst | TcpFlags.Ack);
        Assert.Equal(FlowEndReason.Reset, s.Observer.Ended.Single().Reason);
    }

    [Fact]
    public void Rst_OfAFlowNeverAnswered_EndsIt()
    {
        var s = new FlowScript().ClientSends(0, "", TcpFlags.Syn, ack: 0).ServerSends(0, "", TcpFlags.Rst | TcpFlags.Ack);
        Assert.Equal(FlowEndReason.Reset, s.Observer.Ended.Single().Reason);
    }

    [Fact]
    public void UrgentByte_IsTakenOutOfTheStream_AtSeqPlusPointerMinusOne()
    {
        // "a1 LOGIN bob hun" + "X" sent with MSG_OOB (Linux: URG, pointer one past it) + "ter2\r\n".
        var s = new FlowScript().Handshake().ServerSends(1, "* OK\r\n")
            .ClientSends(1, "a1 LOGIN bob hun").ClientSendsUrgent(17, "X", 1).ClientSends(18, "ter2\r\n");
        Assert.Equal("a1 LOGIN bob hunter2\r\n", s.Observer.Text(Direction.ClientToServer));
        Assert.Equal(1, s.Table.Stats.UrgentBytesRemoved);
        Assert.Contains((Direction.ClientToServer, ReassemblyAnomaly.UrgentData), s.Observer.Anomalies);
    }

    [Fact]
    public void UrgentPointer_IntoALaterSegment_TakesThatByteWhenItArrives()
    {
        // The pointer of the first segment reaches past its end: the byte is the 2nd of the next segment.
        var s = new FlowScript().Handshake().ClientSendsUrgent(1, "abc", 5).ClientSends(4, "dXef");
        Assert.Equal("abcdef", s.Observer.Text(Direction.ClientToServer));
    }

    [Fact]
    public void UrgentSegment_Retransmitted_AfterItsByteWasDelivered_TakesNothingMore()
    {
        var s = new FlowScript().Handshake().ClientSendsUrgent(1, "abX", 3).ClientSends(4, "cd").ClientSendsUrgent(1, "abX", 3);
        Assert.Equal("abcd", s.Observer.Text(Direction.ClientToServer));
        Assert.Equal(1, s.Table.Stats.UrgentBytesRemoved);
    }

    [Fact]
    public void UrgentPointer_Zero_TakesNothing()
    {
        var s = new FlowScript().Handshake().ClientSendsUrgent(1, "abc", 0);
        Assert.Equal("abc", s.Observer.Text(Direction.ClientToServer));
    }

    private static FlowScript WireSession() =>
        new FlowScript().SendOnWire(true, 0, "", TcpFlags.Syn, ack: 0).SendOnWire(false, 0, "", TcpFlags.Syn | TcpFlags.Ack)
            .SendOnWire(true, 1, "", TcpFlags.Ack).SendOnWire(false, 1, "220 mail ESMTP\r\n").SendOnWire(true, 1, "EHLO a\r\n");

    [Fact]
    public void BadChecksum_WhereChecksumsAreGood_IsDropped_WhenTheRealBytesFollow()
    {
        var s = WireSession()
            .SendOnWire(false, 17, "250-mail      \r\n250 AUTH PLAIN\r\n", goodChecksum: false)
            .SendOnWire(false, 17, "250-mail\r\n250-STARTTLS\r\n250 OK\r\n");
        Assert.Equal("220 mail ESMTP\r\n250-mail\r\n250-STARTTLS\r\n250 OK\r\n", s.Observer.Text(Direction.ServerToClient));
        Assert.Equal(1, s.Table.Stats.BadChecksums);
        Assert.Contains((Direction.ServerToClient, ReassemblyAnomaly.BadChecksum), s.Observer.Anomalies);
        Assert.Empty(s.Observer.Conflicts);
        Assert.Equal(0, s.Table.Stats.OffloadedStreams);
    }

    [Fact]
    public void BadChecksum_WhereChecksumsAreGood_NeverAcknowledged_IsDroppedAtTheEnd()
    {
        var s = WireSession().SendOnWire(false, 17, "250 forged\r\n", goodChecksum: false);
        s.Table.Flush();
        Assert.Equal("220 mail ESMTP\r\n", s.Observer.Text(Direction.ServerToClient));
        Assert.Contains((Direction.ServerToClient, ReassemblyAnomaly.BadChecksum), s.Observer.Anomalies);
    }

    [Fact]
    public void BadChecksum_TheReceiverAcknowledged_IsAccepted_AsAHostCapturesMergedSegment()
    {
        var s = WireSession().SendOnWire(false, 17, "250 ok\r\n", goodChecksum: false);
        s.SendOnWire(true, 9, "QUIT\r\n", ack: s.ServerIsn + 25);
        Assert.Equal("220 mail ESMTP\r\n250 ok\r\n", s.Observer.Text(Direction.ServerToClient));
        Assert.Equal(1, s.Table.Stats.BadChecksumsAccepted);
        Assert.DoesNotContain((Direction.ServerToClient, ReassemblyAnomaly.BadChecksum), s.Observer.Anomalies);
    }

    [Fact]
    public void BadChecksum_Rst_WhereChecksumsAreGood_DoesNotEndTheFlow()
    {
        var s = WireSession().SendOnWire(false, 17, "", TcpFlags.Rst | TcpFlags.Ack, goodChecksum: false);
        Assert.Empty(s.Observer.Ended);
        Assert.Contains((Direction.ServerToClient, ReassemblyAnomaly.BadChecksum), s.Observer.Anomalies);
    }

    [Fact]
    public void OffloadedChecksums_EveryOneBad_AreAllTaken()
    {
        var s = new FlowScript().SendOnWire(true, 0, "", TcpFlags.Syn, goodChecksum: false, ack: 0)
            .SendOnWire(false, 0, "", TcpFlags.Syn | TcpFlags.Ack, goodChecksum: false)
            .SendOnWire(false, 1, "220 mail ESMTP\r\n", goodChecksum: false).SendOnWire(true, 1, "EHLO a\r\n", goodChecksum: false);
        Assert.Equal("220 mail ESMTP\r\n", s.Observer.Text(Direction.ServerToClient));
        Assert.Equal("EHLO a\r\n", s.Observer.Text(Direction.ClientToServer));
        Assert.Equal(2, s.Table.Stats.OffloadedStreams);
        Assert.Equal(0, s.Table.Stats.BadChecksums);
        Assert.Empty(s.Observer.Anomalies);
    }

    [Fact]
    public void OneDirectionOffloaded_TheOtherVerified_AsAHostCaptureSeesThem()
    {
        var s = new FlowScript().SendOnWire(true, 0, "", TcpFlags.Syn, goodChecksum: false, ack: 0)
            .SendOnWire(false, 0, "", TcpFlags.Syn | TcpFlags.Ack)
            .SendOnWire(true, 1, "EHLO a\r\n", goodChecksum: false)
            .SendOnWire(false, 1, "250 forged\r\n", goodChecksum: false).SendOnWire(false, 1, "250 ok\r\n");
        Assert.Equal("EHLO a\r\n", s.Observer.Text(Direction.ClientToServer));
        Assert.Equal("250 ok\r\n", s.Observer.Text(Direction.ServerToClient));
        Assert.Equal(1, s.Table.Stats.OffloadedStreams);
    }

    [Fact]
    public void RetransmissionWithOtherBytes_HandsBothVersionsOn()
    {
        var s = Session().ServerSends(17, "250-a\r\n250 STARTTLS\r\n").ServerSends(17, "250-a\r\n250 XXXXXXXX\r\n");
        var conflict = s.Observer.Conflicts.Single();
        Assert.Equal((Direction.ServerToClient, "250-a\r\n250 STARTTLS\r\n", "250-a\r\n250 XXXXXXXX\r\n"), conflict);
        Assert.Equal("220 mail ESMTP\r\n250-a\r\n250 STARTTLS\r\n", s.Observer.Text(Direction.ServerToClient));
    }

    [Fact]
    public void RetransmissionReachingPastTheDeliveredBytes_HandsOnOnlyTheOverlap()
    {
        var s = Session().ServerSends(17, "250 one\r\n").ServerSends(17, "250 two\r\n250 more\r\n");
        Assert.Equal((Direction.ServerToClient, "250 one\r\n", "250 two\r\n"), s.Observer.Conflicts.Single());
        Assert.Equal("220 mail ESMTP\r\n250 one\r\n250 more\r\n", s.Observer.Text(Direction.ServerToClient));
    }

    [Fact]
    public void RetransmissionWithTheSameBytes_HandsNothingOn()
    {
        var s = Session().ServerSends(17, "250 ok\r\n").ServerSends(17, "250 ok\r\n");
        Assert.Empty(s.Observer.Conflicts);
    }
}
