using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace Sensor.Core.Probing.Dns;

/// <summary>How the MTA-STS policy is fetched; tests pin the port and trust their own certificate.</summary>
public sealed record MtaStsFetchSettings
{
    public int Port { get; init; } = 443;
    /// <summary>Null: PKIX against the system store (<see cref="Trust.SystemTrust"/>) with the name checked (RFC 8461 §3.3). Tests only.</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }
    public int MaxBytes { get; init; } = 64 * 1024;
    /// <summary>Why an address of the policy host may not be connected to (an agent's target policy), or null when it may.</summary>
    public Func<IPAddress, string?>? Refusal { get; init; }
}

/// <summary>
/// Fetches https://mta-sts.DOMAIN/.well-known/mta-sts.txt (RFC 8461 §3.3): the name resolved
/// through the probe's resolver (never the system's when --resolver is given), redirects not
/// followed, a valid PKIX certificate for the name required, 200 with text/plain required, the
/// body capped, the whole fetch bounded. Failures come back as a one-line reason.
/// </summary>
public sealed class MtaStsFetcher(MailDns dns, TimeSpan timeout, MtaStsFetchSettings? settings = null, Trust.SystemTrust? trust = null)
{
    private readonly MtaStsFetchSettings _settings = settings ?? new();

    public async Task<(MtaStsPolicy? Policy, string? Error)> FetchAsync(string domain, CancellationToken token)
    {
        var host = $"mta-sts.{domain.TrimEnd('.')}";
        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = timeout,
            ConnectCallback = async (context, ct) =>
            {
                var (addresses, a, aaaa) = await dns.AddressesAsync(context.DnsEndPoint.Host, ct);
                if (addresses.Count == 0)
                    throw new PolicyHostUnusable(a.Error ?? aaaa.Error ?? $"{context.DnsEndPoint.Host}: no A or AAAA record");
                if (_settings.Refusal?.Invoke(addresses[0]) is { } refused)
                    throw new PolicyHostUnusable($"not fetched: {refused}");
                var socket = new Socket(addresses[0].AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(addresses[0], context.DnsEndPoint.Port), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        string? certificateProblem = null;
        handler.SslOptions.RemoteCertificateValidationCallback = _settings.CertificateValidation ?? ((_, certificate, chain, errors) =>
        {
            certificateProblem = (trust ?? Trust.SystemTrust.Default).Problem(certificate, chain, errors);
            return certificateProblem is null;
        });
        using var client = new HttpClient(handler) { Timeout = timeout, MaxResponseContentBufferSize = _settings.MaxBytes };
        var url = _settings.Port == 443 ? $"https://{host}/.well-known/mta-sts.txt" : $"https://{host}:{_settings.Port}/.well-known/mta-sts.txt";
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseContentRead, token);
            if ((int)response.StatusCode is >= 300 and < 400)
                return (null, $"{url}: {(int)response.StatusCode} redirect to {response.Headers.Location} not followed (RFC 8461 §3.3)");
            if (response.StatusCode != HttpStatusCode.OK)
                return (null, $"{url}: HTTP {(int)response.StatusCode}");
            if (response.Content.Headers.ContentType is not { MediaType: "text/plain" })
                return (null, $"{url}: media type {response.Content.Headers.ContentType?.MediaType ?? "none"}, not text/plain");
            var text = await response.Content.ReadAsStringAsync(token);
            var policy = MtaStsPolicy.Parse(text, out var error);
            return (policy, error is null ? null : $"{url}: invalid policy: {error}");
        }
        catch (TaskCanceledException) when (!token.IsCancellationRequested)
        {
            return (null, $"{url}: no policy within {ProbeConnection.Seconds(timeout)}");
        }
        catch (HttpRequestException e) when (e.InnerException is PolicyHostUnusable dns)
        {
            return (null, $"{url}: {dns.Message}");
        }
        catch (HttpRequestException e)
        {
            return (null, $"{url}: {certificateProblem ?? TlsProbe.Describe(e)}");
        }
    }

    private sealed class PolicyHostUnusable(string message) : Exception(message);
}
