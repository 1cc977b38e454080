using Sensor.Core.Reassembly;

namespace Sensor.Core.Protocols;

/// <summary>
/// Whether each direction of a flow speaks the mail protocol at all, decided on its first line (an
/// HTTP request sent to port 25, a service that is not the protocol's). A direction that does not is
/// named in an anomaly and never read again; a server that does not leaves nothing of the flow to
/// read. A receiving stack does the same: Postfix hangs up on a first command of GET, POST or
/// CONNECT (smtpd_forbidden_commands), so a later line is no command.
/// </summary>
public struct MailDialogue
{
    private const int NotMailPreviewBytes = 32;

    private enum Verdict : byte { Undecided, Mail, NotMail }

    private Verdict _client, _server;

    public readonly bool IsNotMail(Direction direction) => Of(direction) == Verdict.NotMail;

    /// <summary>Picked up after a hole: the first line seen is not the first sent, so the direction is not judged.</summary>
    public void AssumeMail(Direction direction)
    {
        if (Of(direction) == Verdict.Undecided)
            Set(direction, Verdict.Mail);
    }

    /// <summary>
    /// True when a line of this direction is to be parsed; the first line decides (<paramref name="opensDialogue"/>:
    /// a command the protocol knows, or its greeting or reply). <paramref name="flowUnread"/> is true when
    /// this line just showed that the server does not speak the protocol.
    /// </summary>
    public bool Speaks(Direction direction, ReadOnlySpan<byte> line, LineStartTest opensDialogue, IMailEventSink sink, out bool flowUnread)
    {
        flowUnread = false;
        var verdict = Of(direction);
        if (verdict != Verdict.Undecided)
            return verdict == Verdict.Mail;
        if (opensDialogue(line))
        {
            Set(direction, Verdict.Mail);
            return true;
        }
        bool client = direction == Direction.ClientToServer;
        sink.Emit(new ProtocolAnomalyEvent(direction, client ? AnomalyNames.NotMailClient : AnomalyNames.NotMailServer,
            WireText.Escape(line[..Math.Min(line.Length, NotMailPreviewBytes)])));
        Set(direction, Verdict.NotMail);
        if (!client)
        {
            Set(Direction.ClientToServer, Verdict.NotMail);
            flowUnread = true;
        }
        return false;
    }

    private readonly Verdict Of(Direction direction) => direction == Direction.ClientToServer ? _client : _server;

    private void Set(Direction direction, Verdict verdict)
    {
        if (direction == Direction.ClientToServer)
            _client = verdict;
        else
            _server = verdict;
    }
}
