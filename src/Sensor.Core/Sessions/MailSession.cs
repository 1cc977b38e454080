using Sensor.Core.Decoding;
using Sensor.Core.Protocols;

namespace Sensor.Core.Sessions;

/// <summary>A credential exchange seen in the clear, with when it was seen and, once the server answered, whether it was accepted.</summary>
public sealed record ObservedCredential(CredentialEvent Credential, long Ticks)
{
    public bool? Accepted { get; set; }
}

/// <summary>A client command the protocol does not know (its verb, escaped), with when it was seen.</summary>
public sealed record ObservedCommand(string Verb, long Ticks);

/// <summary>
/// One SMTP, IMAP or POP3 session as reconstructed from both directions: the record of
/// the "session" record (docs/output.md), plus what the detectors need to judge it.
/// </summary>
public sealed class MailSession
{
    public MailSession(string id, MailProtocol protocol, Endpoint client, Endpoint server, long startTicks, bool implicitTls, bool midStream)
    {
        Id = id;
        Protocol = protocol;
        Client = client;
        Server = server;
        StartTicks = startTicks;
        EndTicks = startTicks;
        ImplicitTls = implicitTls;
        MidStream = midStream;
    }

    public string Id { get; }
    public MailProtocol Protocol { get; }
    public Endpoint Client { get; }
    public Endpoint Server { get; }

    /// <summary>The endpoints as text ("ip:port"), made once: every record and summary names them.</summary>
    public string ClientText => _clientText ??= Client.ToString();
    public string ServerText => _serverText ??= Server.ToString();
    private string? _clientText;
    private string? _serverText;

    /// <summary>The keys its server's history is filed under (Detection.ServerKeys), with the greeting name they were made from.</summary>
    internal (string? Name, string[] Keys)? ServerKeys { get; set; }

    /// <summary>The flow's Community ID (v1, seed 0), made once: the session and each of its findings carry it.</summary>
    public string CommunityId => _communityId ??= Decoding.CommunityId.ForTcp(Client, Server);
    private string? _communityId;

    /// <summary>The addresses alone as text, made once, for the records' src_ip and dest_ip.</summary>
    public string ClientIp => _clientIp ??= Client.Address.ToString();
    public string ServerIp => _serverIp ??= Server.Address.ToString();
    private string? _clientIp;
    private string? _serverIp;
    public long StartTicks { get; }
    public long EndTicks { get; set; }

    /// <summary>TLS from the first byte (465, 993, 995): there is no STARTTLS to strip.</summary>
    public bool ImplicitTls { get; }

    /// <summary>Picked up without the TCP handshake: the start of the conversation may be missing.</summary>
    public bool MidStream { get; }

    /// <summary>
    /// Another session from the same client address was still open when this one ended: what the capture
    /// says of this client's earlier sessions is not all known yet.
    /// </summary>
    public bool ClientHadOtherSessionsOpen { get; internal set; }

    public bool GreetingSeen { get; set; }
    public string? Banner { get; set; }
    public string? ServerName { get; set; }

    /// <summary>What the client's SYN showed of its stack (default when the SYN was not seen).</summary>
    public TcpStackTraits ClientSyn { get; set; }

    /// <summary>What the server's SYN/ACK showed of its stack (default when it was not seen).</summary>
    public TcpStackTraits ServerSynAck { get; set; }
    public string? ClientName { get; set; }

    /// <summary>True once a capability list was seen in the clear: only then can an absent STARTTLS be judged.</summary>
    public bool CapabilitiesSeen { get; set; }

    /// <summary>
    /// Every capability advertised in the clear, in order of first appearance: IMAP and POP3
    /// advertise again after login, and an overwrite in the first list must not be lost.
    /// </summary>
    public IReadOnlyList<string> Capabilities => _capabilities;
    private readonly List<string> _capabilities = [];
    // Made only for long lists: a session's list is a dozen to three dozen words (Dovecot's IMAP list is
    // about 30), where a scan that compares lengths first is cheaper than building a set per session.
    private HashSet<string>? _capabilitySet;
    private const int ScanLimit = 64;

    public const int MaxCapabilities = 256;
    public bool StartTlsOffered { get; set; }
    public bool StartTlsAttempted { get; set; }
    public StartTlsReplyEvent? StartTlsReply { get; set; }
    public long StartTlsTicks { get; set; }
    public bool TlsNotStarted { get; set; }

    /// <summary>
    /// The handshake went through: a ServerHello, no fatal alert in the clear, and the records that
    /// follow a finished handshake (TLS 1.3: the client's encrypted flight; older: both sides' ChangeCipherSpec).
    /// </summary>
    public bool TlsEstablished { get; set; }

    /// <summary>Which of the records that end a handshake were seen (<see cref="Protocols.TlsRecordEvent"/>).</summary>
    public bool TlsClientChangeCipherSpec { get; set; }
    public bool TlsServerChangeCipherSpec { get; set; }
    public bool TlsClientEncrypted { get; set; }
    public bool TlsServerHelloSeen { get; set; }

    /// <summary>
    /// The server's side spoke TLS after the upgrade (a ServerHello or an alert of its own), so a
    /// handshake that then failed was refused by a TLS stack, not cut off on the path.
    /// </summary>
    public bool TlsServerAnswered { get; set; }

    /// <summary>A fatal alert crossed in the clear (RFC 8446 §6.2, RFC 5246 §7.2.2): the handshake was abandoned.</summary>
    public bool TlsAborted { get; set; }
    public string? TlsVersion { get; set; }
    public string? TlsCipher { get; set; }
    public string? TlsServerNameIndication { get; set; }
    /// <summary>The versions the client's first ClientHello offered (supported_versions, else its legacy version).</summary>
    public IReadOnlyList<string> TlsClientVersions { get; set; } = [];

    /// <summary>The cipher suites the client's first ClientHello offered, in its order.</summary>
    public IReadOnlyList<ushort> TlsClientCiphers { get; set; } = [];
    public TlsCertificateEvent? Certificate { get; set; }

    public List<ObservedCredential> Credentials { get; } = [];

    /// <summary>The first distinct unknown client verbs (<see cref="MaxUnknownCommands"/>): a STARTTLS overwritten on the way to the server arrives as one.</summary>
    public List<ObservedCommand> UnknownCommands { get; } = [];

    public const int MaxUnknownCommands = 8;
    public List<InjectedBytesEvent> Injections { get; } = [];

    /// <summary>Server bytes sent twice in two versions that disagree about STARTTLS (at most <see cref="ReplyRace.MaxPerSession"/>).</summary>
    public List<ReplyRace> ReplyRaces { get; } = [];
    public int Messages { get; set; }
    public long MessageBytes { get; set; }
    public long BytesClient { get; set; }
    public long BytesServer { get; set; }

    /// <summary>Named anomalies of the TCP and protocol layers, in the order seen (capped).</summary>
    public List<string> Anomalies { get; } = [];

    public const int MaxAnomalies = 64;

    public void AddCapabilities(IReadOnlyList<string> capabilities)
    {
        _capabilities.EnsureCapacity(Math.Min(_capabilities.Count + capabilities.Count, MaxCapabilities));   // one array at the list's size, not 4, 8, 16, 32
        for (int i = 0; i < capabilities.Count && _capabilities.Count < MaxCapabilities; i++)   // not foreach: an enumerator per list
            if (!HasCapability(capabilities[i]))
                AddCapability(capabilities[i]);
    }

    private bool HasCapability(string capability)
    {
        if (_capabilitySet is not null)
            return _capabilitySet.Contains(capability);
        // Over the list's span, not its enumerator; a repeated list's words are mostly the same instances (ShortTextCache).
        foreach (var known in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_capabilities))
            if (ReferenceEquals(known, capability) || (known.Length == capability.Length && string.Equals(known, capability, StringComparison.OrdinalIgnoreCase)))
                return true;
        return false;
    }

    private void AddCapability(string capability)
    {
        _capabilities.Add(capability);
        if (_capabilitySet is not null)
            _capabilitySet.Add(capability);
        else if (_capabilities.Count > ScanLimit)
            _capabilitySet = new HashSet<string>(_capabilities, StringComparer.OrdinalIgnoreCase);
    }

    public void AddAnomaly(string anomaly)
    {
        if (Anomalies.Count < MaxAnomalies)
            Anomalies.Add(anomaly);
        else if (Anomalies.Count == MaxAnomalies)
            Anomalies.Add(AnomalyNames.AnomaliesTruncated);
    }
}
