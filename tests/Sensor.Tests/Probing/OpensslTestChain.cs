using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;

namespace Sensor.Tests.Probing;

/// <summary>
/// A certificate chain made with the openssl command in a temporary directory: a root CA, an
/// intermediate it signed, a server leaf the intermediate signed (serverAuth, the names given),
/// and an unrelated root. Files: root.pem, inter.pem, leaf.pem, leaf.key, other.pem, and
/// chain.pem (what a server sends after its leaf: the intermediate, then the root).
/// </summary>
public sealed class OpensslTestChain : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("sensor-chain-").FullName;

    public string RootPem => File("root.pem");
    public string IntermediatePem => File("inter.pem");
    public string OtherRootPem => File("other.pem");
    public string LeafPem => File("leaf.pem");
    public string LeafKey => File("leaf.key");
    public string ChainPem => File("chain.pem");

    public OpensslTestChain(string leafName, params string[] moreNames)
    {
        Openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "root.key", "-out", "root.pem", "-days", "30",
            "-subj", "/CN=Sensor Test Root", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        Openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "other.key", "-out", "other.pem", "-days", "30",
            "-subj", "/CN=Sensor Other Root", "-addext", "basicConstraints=critical,CA:TRUE");
        System.IO.File.WriteAllText(File("ca.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
        var names = string.Join(',', new[] { leafName }.Concat(moreNames).Select(n => $"DNS:{n}"));
        System.IO.File.WriteAllText(File("leaf.ext"), $"subjectAltName={names}\nextendedKeyUsage=serverAuth\n");
        Openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "inter.key", "-out", "inter.csr", "-subj", "/CN=Sensor Test Intermediate");
        Openssl("x509", "-req", "-in", "inter.csr", "-CA", "root.pem", "-CAkey", "root.key", "-set_serial", "2", "-out", "inter.pem", "-days", "30", "-extfile", "ca.ext");
        Openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", $"/CN={leafName}");
        Openssl("x509", "-req", "-in", "leaf.csr", "-CA", "inter.pem", "-CAkey", "inter.key", "-set_serial", "3", "-out", "leaf.pem", "-days", "30", "-extfile", "leaf.ext");
        System.IO.File.WriteAllText(ChainPem, System.IO.File.ReadAllText(IntermediatePem) + System.IO.File.ReadAllText(RootPem));
    }

    public X509Certificate2 Load(string path) => X509Certificate2.CreateFromPem(System.IO.File.ReadAllText(path));

    public string File(string name) => Path.Combine(Directory, name);

    /// <summary>Runs openssl in the chain's directory; throws with its stderr when it fails.</summary>
    public void Openssl(params string[] args)
    {
        var start = new ProcessStartInfo("openssl") { WorkingDirectory = Directory, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"openssl {string.Join(' ', args)}: {stderr.Result}");
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
