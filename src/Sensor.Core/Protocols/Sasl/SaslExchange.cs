using System.Text;

namespace Sensor.Core.Protocols.Sasl;

/// <summary>
/// One SASL exchange (RFC 4422) as SMTP AUTH (RFC 4954), IMAP AUTHENTICATE (RFC 3501 §6.2.2) and
/// POP3 AUTH (RFC 5034) carry it: server challenges and client responses, each one base64 line.
/// Finds the credential in input split anywhere (the protocol parsers frame the lines), like
/// MailKit's ImapAuthenticationSecretDetector. Bad base64 or a wrong shape is an anomaly, never an exception.
/// </summary>
internal sealed class SaslExchange
{
    private readonly string _variantPrefix;
    private readonly Reassembly.Direction _clientDirection = Reassembly.Direction.ClientToServer;
    private int _responses;
    private int _pendingChallenges;
    private byte[]? _firstChallenge;
    private byte[]? _lastChallenge;
    private byte[]? _scramClientFirst;
    private ExactText? _loginUser;
    private bool _emitted;
    private bool _closed;

    private SaslExchange(string mechanism, string variantPrefix)
    {
        Mechanism = mechanism;
        _variantPrefix = variantPrefix;
    }

    /// <summary>Upper-case mechanism name as the client sent it ("PLAIN", "LOGIN", "CRAM-MD5", ...).</summary>
    public string Mechanism { get; }

    /// <param name="variantPrefix">"smtp-auth-", "imap-authenticate-" or "pop3-auth-": the variant is this plus the mechanism in lower case.</param>
    public static SaslExchange Start(string mechanism, string variantPrefix) => new(mechanism, variantPrefix);

    /// <summary>
    /// True when the client's next line belongs to this exchange: a challenge is waiting for its
    /// answer, or the mechanism is client-first and its responses are not all in yet.
    /// </summary>
    public bool WantsClientLine => !_closed && (_pendingChallenges > 0 || _responses < ClientFirstResponses);

    private int ClientFirstResponses => Mechanism switch
    {
        "PLAIN" or "XOAUTH2" or "OAUTHBEARER" => 1,
        "LOGIN" => 2,
        "NTLM" => 1,
        _ when ScramMessage.IsScram(Mechanism) => 1,
        _ => 0,
    };

    /// <summary>The server's continuation ("334 text" / "+ text"): a base64 challenge.</summary>
    public void OnChallenge(ReadOnlySpan<byte> text)
    {
        _pendingChallenges++;
        if (!SaslText.TryDecode(text, out var decoded))
            return;
        _firstChallenge ??= decoded;
        _lastChallenge = decoded;
    }

    /// <summary>The initial response on the command line (SMTP AUTH, IMAP SASL-IR RFC 4959, POP3 AUTH).</summary>
    public void OnInitialResponse(ReadOnlySpan<byte> text, IMailEventSink sink) => OnResponse(text, sink, initial: true);

    /// <summary>A client line answering a challenge. "*" cancels (RFC 4954 §4).</summary>
    public void OnResponse(ReadOnlySpan<byte> text, IMailEventSink sink) => OnResponse(text, sink, initial: false);

    /// <summary>
    /// The exchange is over (final reply, cancel, end of flow, gap). A LOGIN exchange cut short after
    /// the user name still yields a CredentialEvent with a null Secret: the user name crossed in the
    /// clear and the session record wants it, while detectors can see no secret came with it.
    /// </summary>
    public void Close(IMailEventSink sink)
    {
        if (_closed)
            return;
        _closed = true;
        if (!_emitted && _loginUser is not null)
            Emit(sink, CredentialKind.Reusable, _loginUser, null);
    }

    private void OnResponse(ReadOnlySpan<byte> text, IMailEventSink sink, bool initial)
    {
        if (_closed)
            return;
        if (!initial && _pendingChallenges > 0)
            _pendingChallenges--;
        _responses++;
        if (text.Trim((byte)' ').SequenceEqual("*"u8))
        {
            Close(sink);
            return;
        }
        if (!SaslText.TryDecode(text, out var message))
        {
            sink.Emit(new ProtocolAnomalyEvent(_clientDirection, AnomalyNames.BadBase64, $"{Mechanism}: {WireText.Escape(text)}"));
            return;
        }
        Interpret(message, sink);
    }

    private void Interpret(byte[] message, IMailEventSink sink)
    {
        if (_emitted)
            return;
        switch (Mechanism)
        {
            case "PLAIN": Plain(message, sink); break;
            case "LOGIN": Login(message, sink); break;
            case "CRAM-MD5": CramMd5(message, sink); break;
            case "XOAUTH2": XOAuth2(message, sink); break;
            case "OAUTHBEARER": OAuthBearer(message, sink); break;
            case "DIGEST-MD5": DigestMd5(message, sink); break;
            case "NTLM": Ntlm(message, sink); break;
            case var _ when ScramMessage.IsScram(Mechanism): Scram(message, sink); break;
        }
    }

    /// <summary>RFC 4616 §2: [authzid] NUL authcid NUL passwd.</summary>
    private void Plain(byte[] message, IMailEventSink sink)
    {
        var parts = SaslText.Split(message, 0, 3);
        if (parts.Count != 3)
        {
            BadShape(sink, "PLAIN message without two NULs");
            return;
        }
        Emit(sink, CredentialKind.Reusable, ExactText.From(parts[1]), ExactText.From(parts[2]));
    }

    /// <summary>LOGIN (draft-murchison-sasl-login): the first response is the user, the second the password.</summary>
    private void Login(byte[] message, IMailEventSink sink)
    {
        if (_loginUser is null)
        {
            _loginUser = ExactText.From(message);
            return;
        }
        Emit(sink, CredentialKind.Reusable, _loginUser, ExactText.From(message));
    }

    /// <summary>
    /// RFC 2195 §2: the response is "user SP hex(HMAC-MD5(secret, challenge))". The secret is given as
    /// hashcat mode 10200 material: $cram_md5$base64(challenge)$base64(response), which carries user,
    /// challenge and digest in one string an offline attack can use as is.
    /// </summary>
    private void CramMd5(byte[] message, IMailEventSink sink)
    {
        int space = Array.LastIndexOf(message, (byte)' ');
        if (space <= 0)
        {
            BadShape(sink, "CRAM-MD5 response without user and digest");
            return;
        }
        string material = $"$cram_md5${Convert.ToBase64String(_firstChallenge ?? [])}${Convert.ToBase64String(message)}";
        Emit(sink, CredentialKind.Crackable, ExactText.From(message.AsSpan(0, space)), ExactText.Of(material));
    }

    /// <summary>Google/Microsoft XOAUTH2: "user=" U ^A "auth=Bearer " token ^A ^A.</summary>
    private void XOAuth2(byte[] message, IMailEventSink sink)
    {
        ExactText? user = null, token = null;
        foreach (var field in SaslText.Split(message, 0x01))
        {
            var text = Encoding.UTF8.GetString(field);
            if (text.StartsWith("user=", StringComparison.Ordinal))
                user = ExactText.From(field.AsSpan(5));
            else if (text.StartsWith("auth=", StringComparison.Ordinal))
                token = BearerToken(field.AsSpan(5));
        }
        if (token is null)
        {
            BadShape(sink, "XOAUTH2 message without auth=");
            return;
        }
        Emit(sink, CredentialKind.Reusable, user, token);
    }

    /// <summary>RFC 7628 §3.1: gs2-header "n,a=user," then ^A-separated key=value pairs with auth=Bearer token.</summary>
    private void OAuthBearer(byte[] message, IMailEventSink sink)
    {
        var fields = SaslText.Split(message, 0x01);
        ExactText? user = null, token = null;
        foreach (var gs2 in SaslText.Split(fields[0], (byte)','))
        {
            if (gs2.AsSpan().StartsWith("a="u8))
                user = ExactText.From(gs2.AsSpan(2));
        }
        foreach (var field in fields.Skip(1))
        {
            if (field.AsSpan().StartsWith("auth="u8))
                token = BearerToken(field.AsSpan(5));
        }
        if (token is null)
        {
            BadShape(sink, "OAUTHBEARER message without auth=");
            return;
        }
        Emit(sink, CredentialKind.Reusable, user, token);
    }

    /// <summary>
    /// RFC 2831 §2.1.2: the digest-response names the user and carries an MD5 response over the
    /// challenge's nonce; both messages together are the offline-attackable material.
    /// </summary>
    private void DigestMd5(byte[] message, IMailEventSink sink)
    {
        var response = Encoding.UTF8.GetString(message);
        var user = SaslText.DirectiveValue(response, "username");
        if (user is null)
        {
            if (message.Length > 0)
                BadShape(sink, "DIGEST-MD5 response without username");
            return;
        }
        Emit(sink, CredentialKind.Crackable, ExactText.Of(user), ExactText.From([.. _firstChallenge ?? [], (byte)'\n', .. message]));
    }

    /// <summary>SCRAM: the client-first message is kept until the client-final one brings the proof.</summary>
    private void Scram(byte[] message, IMailEventSink sink)
    {
        if (_scramClientFirst is null)
        {
            _scramClientFirst = message;
            return;
        }
        if (!ScramMessage.HasProof(message))
            return;
        var user = ScramMessage.User(_scramClientFirst);
        if (user is null)
            BadShape(sink, "SCRAM client-first message without n=");
        Emit(sink, CredentialKind.Crackable, user, ExactText.Of(ScramMessage.Material(Mechanism, _scramClientFirst, _lastChallenge, message)));
    }

    /// <summary>NTLM: the negotiate message names nobody; the authenticate message answers the last challenge.</summary>
    private void Ntlm(byte[] message, IMailEventSink sink)
    {
        if (NtlmMessage.TypeOf(message) != 3)
            return;
        if (!NtlmMessage.TryReadAuthenticate(message, out var auth))
        {
            BadShape(sink, "NTLM authenticate message with a field outside it");
            return;
        }
        Emit(sink, CredentialKind.Crackable, ExactText.Of(NtlmMessage.Account(auth)),
            ExactText.Of(NtlmMessage.Material(auth, NtlmMessage.ServerChallenge(_lastChallenge))));
    }

    private static ExactText BearerToken(ReadOnlySpan<byte> auth) =>
        ExactText.From(auth.StartsWith("Bearer "u8) ? auth[7..] : auth);

    private void BadShape(IMailEventSink sink, string detail) =>
        sink.Emit(new ProtocolAnomalyEvent(_clientDirection, AnomalyNames.BadSaslMessage, detail));

    private void Emit(IMailEventSink sink, CredentialKind kind, ExactText? user, ExactText? secret)
    {
        _emitted = true;
        string variant = CredentialVariants.Sasl(_variantPrefix, Mechanism);
        sink.Emit(CredentialEvent.Of(Mechanism, variant, kind, user, secret));
    }
}
