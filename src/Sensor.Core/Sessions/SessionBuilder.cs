using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Tls;

namespace Sensor.Core.Sessions;

/// <summary>
/// Folds a parser's events into the session record (Zeek's base layer: events in, log record out).
/// It judges nothing; detectors do.
/// </summary>
public sealed class SessionBuilder(MailSession session) : IMailEventSink
{
    public MailSession Session { get; } = session;

    /// <summary>Capture time of the bytes being parsed, set by the caller before each feed.</summary>
    public long CurrentTicks { get; set; }

    public void Emit(MailEvent mailEvent)
    {
        switch (mailEvent)
        {
            case GreetingEvent greeting: OnGreeting(greeting); break;
            case HeloEvent helo: Session.ClientName ??= helo.ClientName; break;
            case CapabilitiesEvent capabilities: OnCapabilities(capabilities); break;
            case StartTlsCommandEvent: OnStartTlsCommand(); break;
            case UnknownCommandEvent unknown: OnUnknownCommand(unknown); break;
            case StartTlsReplyEvent reply: Session.StartTlsReply = reply; break;
            case TlsNotStartedEvent: OnTlsNotStarted(); break;
            case InjectedBytesEvent injected: Session.Injections.Add(injected); break;
            case CredentialEvent credential: Session.Credentials.Add(new ObservedCredential(credential, CurrentTicks)); break;
            case MessageEvent message: OnMessage(message); break;
            case TlsClientHelloEvent hello: OnClientHello(hello); break;
            case TlsServerHelloEvent hello: OnServerHello(hello); break;
            case TlsCertificateEvent certificate: Session.Certificate ??= certificate; break;
            case TlsAlertEvent alert: OnAlert(alert); break;
            case TlsRecordEvent record: OnRecord(record); break;
            case AuthResultEvent result: OnAuthResult(result); break;
            case ProtocolAnomalyEvent anomaly: Session.AddAnomaly(anomaly.Name); break;
        }
    }

    private void OnGreeting(GreetingEvent greeting)
    {
        Session.GreetingSeen = true;
        Session.Banner ??= greeting.Banner;
        Session.ServerName ??= greeting.ServerName;
    }

    private void OnClientHello(TlsClientHelloEvent hello)
    {
        Session.TlsServerNameIndication ??= hello.ServerNameIndication;
        if (Session.TlsClientVersions.Count == 0)
        {
            Session.TlsClientVersions = hello.OfferedVersions;
            Session.TlsClientCiphers = hello.CipherSuites;
        }
    }

    private void OnCapabilities(CapabilitiesEvent capabilities)
    {
        // RFC 3207 §4.2 / RFC 2595 §3.1: capabilities learned before TLS are discarded after it,
        // and the encrypted ones are not visible here, so only cleartext lists count.
        if (Session.TlsEstablished)
            return;
        Session.CapabilitiesSeen = true;
        var list = capabilities.Capabilities;
        Session.AddCapabilities(list);
        for (int i = 0; i < list.Count && !Session.StartTlsOffered; i++)
            Session.StartTlsOffered = StartTlsKeyword.IsOffer(Session.Protocol, list[i]);
    }

    /// <summary>The server's verdict belongs to the latest exchange it has not yet answered.</summary>
    private void OnAuthResult(AuthResultEvent result)
    {
        var pending = Session.Credentials.LastOrDefault(c => c.Accepted is null);
        if (pending is not null)
            pending.Accepted = result.Success;
    }

    private void OnUnknownCommand(UnknownCommandEvent unknown)
    {
        var seen = Session.UnknownCommands;
        if (seen.Count < MailSession.MaxUnknownCommands && !seen.Exists(c => c.Verb == unknown.Verb))
            seen.Add(new ObservedCommand(unknown.Verb, CurrentTicks));
    }

    private void OnStartTlsCommand()
    {
        Session.StartTlsAttempted = true;
        Session.StartTlsTicks = CurrentTicks;
    }

    private void OnTlsNotStarted()
    {
        Session.TlsNotStarted = true;
        Session.AddAnomaly(AnomalyNames.PlaintextAfterStartTls);
    }

    private void OnMessage(MessageEvent message)
    {
        Session.Messages++;
        Session.MessageBytes += message.Bytes;
    }

    /// <summary>
    /// Plaintext alerts come only before the handshake is encrypted, so a fatal one means it failed:
    /// a server refusing the client's versions or ciphers, or a client refusing the certificate.
    /// </summary>
    private void OnAlert(TlsAlertEvent alert)
    {
        Session.AddAnomaly(AnomalyNames.TlsAlert(alert.Level, alert.Description));
        if (alert.Direction == Reassembly.Direction.ServerToClient)
            Session.TlsServerAnswered = true;
        if (alert.Level != FatalAlertLevel)
            return;
        Session.TlsAborted = true;
        Session.TlsEstablished = false;
    }

    private void OnRecord(TlsRecordEvent record)
    {
        bool client = record.Direction == Reassembly.Direction.ClientToServer;
        if (record.ContentType == TlsContentType.ChangeCipherSpec)
        {
            if (client)
                Session.TlsClientChangeCipherSpec = true;
            else
                Session.TlsServerChangeCipherSpec = true;
        }
        else if (record.ContentType == TlsContentType.ApplicationData && client && Session.TlsServerHelloSeen)
            Session.TlsClientEncrypted = true; // early data (0-RTT) before the ServerHello proves nothing
        UpdateEstablished();
    }

    /// <summary>
    /// TLS 1.3 finishes when the client sends its encrypted flight (RFC 8446 §4.4.4, §5.2): a server
    /// whose handshake fails after its ServerHello sends its alert encrypted, and only the client's
    /// silence shows it. TLS ≤1.2 finishes with both sides' ChangeCipherSpec (RFC 5246 §7.1, §7.3).
    /// </summary>
    private void UpdateEstablished()
    {
        var s = Session;
        bool finished = s.TlsVersion == TlsNames.Tls13
            ? s.TlsClientEncrypted
            : s.TlsClientChangeCipherSpec && s.TlsServerChangeCipherSpec;
        s.TlsEstablished = s.TlsServerHelloSeen && !s.TlsAborted && finished;
    }

    private const byte FatalAlertLevel = 2;

    private void OnServerHello(TlsServerHelloEvent hello)
    {
        Session.TlsServerAnswered = true;
        Session.TlsServerHelloSeen = true;
        Session.TlsVersion ??= hello.Version;
        Session.TlsCipher ??= hello.CipherName;
        UpdateEstablished();
    }
}
