using Sensor.Core.Decoding;

namespace Sensor.Core.Reassembly;

/// <summary>Who is client and who is server when a flow is first seen.</summary>
internal static class FlowRoles
{
    // SMTP, SMTPS, submission, alt-submission, IMAP, IMAPS, POP3, POP3S.
    private static readonly ushort[] MailPorts = [25, 465, 587, 2525, 143, 993, 110, 995];

    public static bool IsMailPort(ushort port) => Array.IndexOf(MailPorts, port) >= 0;

    /// <summary>
    /// The SYN sender is the client and the SYN/ACK sender the server. With neither seen, the side on a
    /// mail port is the server, and failing that the lower port (ephemeral ports are high).
    /// </summary>
    public static (Endpoint Client, Endpoint Server) Decide(in TcpSegment segment)
    {
        var source = segment.Source;
        var destination = segment.Destination;
        if (segment.Has(TcpFlags.Syn))
            return segment.Has(TcpFlags.Ack) ? (destination, source) : (source, destination);
        bool sourceMail = IsMailPort(source.Port);
        bool destinationMail = IsMailPort(destination.Port);
        if (sourceMail != destinationMail)
            return destinationMail ? (source, destination) : (destination, source);
        return destination.Port <= source.Port ? (source, destination) : (destination, source);
    }
}
