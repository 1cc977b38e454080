namespace Sensor.Core.Protocols.StartTls;

/// <summary>
/// Where a mail session stands on its way from cleartext to TLS (RFC 3207 §4 for SMTP, RFC 2595 §3.1
/// and §4 for IMAP and POP3; RFC 8314 §3 for implicit TLS, which starts <see cref="Encrypted"/>).
/// </summary>
public enum GateState : byte
{
    /// <summary>Cleartext, no upgrade asked for (or the last one was refused: RFC 3207 §4 lets the dialogue go on in the clear).</summary>
    Plain,

    /// <summary>The client sent STARTTLS/STLS and the server has not answered: whatever the client sends now is injected (CVE-2011-0411).</summary>
    CommandSent,

    /// <summary>The server accepted; the client's next bytes must be a TLS ClientHello (RFC 3207 §4, RFC 2595 §3.1).</summary>
    Accepted,

    /// <summary>After an acceptance the client sent cleartext instead of TLS: its first line is being collected for the report.</summary>
    CleartextAfterAccept,

    /// <summary>The client's first TLS record was seen (or the port is implicit TLS): both directions are TLS from here on.</summary>
    Encrypted,
}

/// <summary>What moves the gate. A capability list is not one: the gate follows what the two sides do, the detectors compare it with what was advertised.</summary>
public enum GateEvent : byte
{
    /// <summary>The client's STARTTLS (SMTP, IMAP) or STLS (POP3) command line.</summary>
    StartTlsCommand,

    /// <summary>The server's answer to it accepts: SMTP 220, IMAP tagged OK, POP3 +OK.</summary>
    PositiveReply,

    /// <summary>Any other answer to it: SMTP 454 or 501 (any code but 220), IMAP NO or BAD, POP3 -ERR.</summary>
    NegativeReply,

    /// <summary>The client's first byte after an acceptance starts a TLS record.</summary>
    ClientTlsRecord,

    /// <summary>The client's first byte after an acceptance is not TLS.</summary>
    ClientCleartext,

    /// <summary>The cleartext after an acceptance has a whole line (or the preview's worth of bytes).</summary>
    CleartextLineComplete,

    /// <summary>The server's first line does not open a mail dialogue: nothing of the flow is read, so nothing the client sent was injected.</summary>
    ServerNotMail,

    /// <summary>The flow is over: what the gate holds is reported.</summary>
    FlowEnd,
}

/// <summary>What a transition asks of the bytes held aside, in the order <see cref="MailSessionParserBase"/> carries them out (the flags' order).</summary>
[Flags]
public enum GateEffects : byte
{
    None = 0,

    /// <summary>Report the client's cleartext after an acceptance (its first line) as a TLS upgrade that did not happen.</summary>
    ReportNotStarted = 1,

    /// <summary>Report the client bytes held since STARTTLS as injected.</summary>
    ReportHeldClient = 2,

    /// <summary>Report the server bytes held since the acceptance as injected.</summary>
    ReportHeldServer = 4,

    /// <summary>Forget the client bytes held.</summary>
    DropHeldClient = 8,

    /// <summary>Forget the server bytes held.</summary>
    DropHeldServer = 16,

    /// <summary>The client bytes held were cleartext after all: parse them now (then they are forgotten).</summary>
    ReplayHeldClient = 32,
}

/// <summary>Where one direction's bytes go in a given <see cref="GateState"/>.</summary>
public enum ByteRoute : byte
{
    /// <summary>To the protocol parser: cleartext mail dialogue.</summary>
    Parse,

    /// <summary>Held aside and counted: sent while the other side cannot have read it as cleartext yet.</summary>
    Hold,

    /// <summary>The client's first byte after an acceptance decides: TLS or cleartext.</summary>
    CheckFirstByte,

    /// <summary>Collected until a line is whole, for the not-started report.</summary>
    CollectCleartextLine,

    /// <summary>To the TLS record parser of the direction.</summary>
    Tls,
}
