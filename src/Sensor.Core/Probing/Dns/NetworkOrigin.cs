using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Sensor.Core.Probing.Dns;

/// <summary>The network a test ran from: the public address DNS saw, and its autonomous system when known.</summary>
/// <param name="PublicAddress">the address the DNS service saw the question come from (or the client subnet a resolver passed on)</param>
/// <param name="Asn">the AS number announcing that address</param>
/// <param name="AsName">the AS's registered name, e.g. "EXAMPLE-NET - Example Networks, NL"</param>
/// <param name="Prefix">the announced prefix the address is in</param>
/// <param name="Country">the registry's two-letter country code of the prefix</param>
public sealed record NetworkOrigin(string PublicAddress, int? Asn, string? AsName, string? Prefix, string? Country)
{
    /// <summary>"AS64500 EXAMPLE-NET - Example Networks, NL", or "AS64500", or null when the AS is unknown.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? AsLabel => Asn is { } asn ? AsName is { Length: > 0 } name ? $"AS{asn} {name}" : $"AS{asn}" : null;
}

/// <summary>
/// The pure part of naming a network over DNS: the names to ask and what their TXT answers mean.
/// Team Cymru's IP-to-ASN service answers TXT "ASN | prefix | CC | registry | date" at the reversed
/// address under origin.asn.cymru.com (IPv6: reversed nibbles under origin6), and
/// "ASN | CC | registry | date | name" at AS&lt;n&gt;.asn.cymru.com. Google's o-o.myaddr.l.google.com
/// answers TXT with the address the question came from (a recursive resolver's, unless the resolver
/// passed the client's subnet: then a second string "edns0-client-subnet 192.0.2.0/24").
/// </summary>
public static class NetworkOriginNames
{
    public const string MyAddressName = "o-o.myaddr.l.google.com";
    /// <summary>Akamai's: an A (or AAAA) record with the address the question came from.</summary>
    public const string WhoAmIName = "whoami.akamai.net";

    /// <summary>The longest AS name kept: registry names are short; a longer answer is cut, not trusted to fit a line.</summary>
    public const int MaxNameLength = 80;

    private const string ClientSubnet = "edns0-client-subnet ";

    /// <summary>1.2.0.192.origin.asn.cymru.com for 192.0.2.1; reversed nibbles under origin6.asn.cymru.com for IPv6.</summary>
    public static string OriginName(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
            return string.Join('.', bytes.Reverse()) + ".origin.asn.cymru.com";
        var nibbles = Convert.ToHexStringLower(bytes).Reverse();
        return string.Join('.', nibbles) + ".origin6.asn.cymru.com";
    }

    public static string AsName(int asn) => $"AS{asn.ToString(CultureInfo.InvariantCulture)}.asn.cymru.com";

    /// <summary>
    /// The address o-o.myaddr.l.google.com's TXT strings give: the client subnet's address when the
    /// resolver passed one (it is this network's, the other is the resolver's), else the first address.
    /// </summary>
    public static IPAddress? MyAddress(IEnumerable<string> texts)
    {
        IPAddress? first = null;
        foreach (var text in texts.Select(t => t.Trim()))
        {
            if (text.StartsWith(ClientSubnet, StringComparison.Ordinal)
                && IPNetwork.TryParse(text[ClientSubnet.Length..].Trim(), out var subnet))
                return subnet.BaseAddress;
            if (first is null && IPAddress.TryParse(text, out var address))
                first = address;
        }
        return first;
    }

    /// <summary>"64500 64501 | 192.0.2.0/24 | NL | ripencc | 2001-01-01": the first AS, the prefix, the country. Null when not that shape.</summary>
    public static (int Asn, string Prefix, string? Country)? Origin(string text)
    {
        var fields = text.Split('|', StringSplitOptions.TrimEntries);
        if (fields.Length < 2)
            return null;
        var first = fields[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var asn) || !IPNetwork.TryParse(fields[1], out var prefix))
            return null;
        var country = fields.Length > 2 && fields[2].Length == 2 && fields[2].All(char.IsAsciiLetter) ? fields[2].ToUpperInvariant() : null;
        return (asn, prefix.ToString(), country);
    }

    /// <summary>"64500 | NL | ripencc | 2001-01-01 | EXAMPLE-NET - Example Networks, NL": the name (printable, at most <see cref="MaxNameLength"/>). Null when absent.</summary>
    public static string? Name(string text)
    {
        var fields = text.Split('|', StringSplitOptions.TrimEntries);
        if (fields.Length < 5)
            return null;
        var name = new string([.. string.Join('|', fields[4..]).Where(c => !char.IsControl(c))]).Trim();
        if (name.Length > MaxNameLength)
            name = name[..MaxNameLength].TrimEnd() + "\u2026";
        return name.Length > 0 ? name : null;
    }
}

/// <summary>
/// Names the network a test runs from, over DNS (three questions through the resolver the probe
/// uses): its public address (Google's myaddr TXT, else Akamai's whoami), then Team Cymru's AS
/// number and name for it. Failures are a null or a partial answer, never an exception.
/// </summary>
public static class NetworkOriginLookup
{
    public static async Task<NetworkOrigin?> LookupAsync(MailDns dns, CancellationToken token)
    {
        var address = await PublicAddressAsync(dns, token);
        if (address is null)
            return null;
        var origin = FirstTxt(await dns.QueryAsync(NetworkOriginNames.OriginName(address), DnsClient.QueryType.TXT, token), NetworkOriginNames.Origin);
        if (origin is not { } found)
            return new NetworkOrigin(address.ToString(), null, null, null, null);
        var name = FirstTxt(await dns.QueryAsync(NetworkOriginNames.AsName(found.Asn), DnsClient.QueryType.TXT, token), NetworkOriginNames.Name);
        return new NetworkOrigin(address.ToString(), found.Asn, name, found.Prefix, found.Country);
    }

    private static async Task<IPAddress?> PublicAddressAsync(MailDns dns, CancellationToken token)
    {
        var myAddress = await dns.QueryAsync(NetworkOriginNames.MyAddressName, DnsClient.QueryType.TXT, token);
        if (NetworkOriginNames.MyAddress(MailDns.TxtTexts(myAddress)) is { } address)
            return address;
        var whoAmI = await dns.QueryAsync(NetworkOriginNames.WhoAmIName, DnsClient.QueryType.A, token);
        return whoAmI.Records.OfType<DnsClient.Protocol.ARecord>().Select(a => a.Address).FirstOrDefault();
    }

    private static T? FirstTxt<T>(DnsAnswer answer, Func<string, T?> parse) =>
        MailDns.TxtTexts(answer).Select(parse).FirstOrDefault(v => v is not null);
}
