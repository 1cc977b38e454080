namespace Sensor.Core.Protocols.Sasl;

/// <summary>
/// The one SASL exchange a mail session has under way (SMTP AUTH, IMAP AUTHENTICATE, POP3 AUTH): a
/// new one closes the last, and a closed one reports what it saw (an AUTH LOGIN cut short still names its user).
/// </summary>
internal struct SaslInProgress
{
    public SaslExchange? Current { get; private set; }

    /// <inheritdoc cref="SaslExchange.Start"/>
    public SaslExchange Start(string mechanism, string variantPrefix, IMailEventSink sink)
    {
        Close(sink);
        return Current = SaslExchange.Start(mechanism, variantPrefix);
    }

    /// <summary>The exchange is over (final reply, gap, end of flow): what it saw is reported, and it is dropped.</summary>
    public void Close(IMailEventSink sink)
    {
        Current?.Close(sink);
        Current = null;
    }

    /// <summary>Forgets the exchange without a report (after a parser fault).</summary>
    public void Drop() => Current = null;
}
