using Sensor.Core.Protocols;
using Sensor.Core.Reassembly;
using Sensor.Core.Sessions;

namespace Sensor.Core.Probing;

/// <summary>
/// The probe's own cleartext dialogue read by the capture side's parser and session builder, so a
/// probe derives the banner, the server name, the capabilities and the STARTTLS offer exactly as a
/// captured session of the same bytes would (and the store matches the two by the same name).
/// Fed until the upgrade: what follows is TLS, which the parser does not read as mail.
/// </summary>
internal sealed class ProbeReading
{
    private readonly IMailSessionParser _parser;
    private readonly SessionBuilder _builder;

    public ProbeReading(ProbeProtocol protocol)
    {
        var mail = protocol switch
        {
            ProbeProtocol.Smtp => MailProtocol.Smtp,
            ProbeProtocol.Imap => MailProtocol.Imap,
            _ => MailProtocol.Pop3,
        };
        // The dialogue is read in cleartext (inside the TLS stream for implicit TLS), so never as implicit TLS here.
        _parser = MailParserFactory.Create(mail, implicitTls: false);
        _builder = new SessionBuilder(new MailSession("probe", mail, default, default, 0, implicitTls: false, midStream: false));
    }

    public MailSession Session => _builder.Session;

    public void Sent(ReadOnlySpan<byte> bytes) => _parser.Feed(Direction.ClientToServer, bytes, _builder);

    public void Received(ReadOnlySpan<byte> bytes) => _parser.Feed(Direction.ServerToClient, bytes, _builder);

    /// <summary>The capabilities as the session record lists them, and whether they offer the upgrade.</summary>
    public void CopyCapabilitiesTo(ProbeResult result)
    {
        result.Capabilities = [.. Session.Capabilities];
        result.StartTlsOffered = Session.StartTlsOffered;
    }
}
