using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace OdooLatencyProxy.Tests.Collector;

/// <summary>
/// A throwaway PostgreSQL cluster from Debian's binaries: initdb into a temp dir (as the postgres OS user when
/// running as root), loopback only on a free port, unix socket in the temp dir, pg_stat_statements preloaded.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>Password of the collector's read-only role in every test cluster.</summary>
    public const string CollectorPassword = "collector-test-password";

    /// <summary>The read-only role the collector connects as.</summary>
    public const string CollectorRole = "odoo_collector";

    private readonly string _root;
    private readonly string _bin;
    private int _databases;

    private PostgresServer(string root, string bin, int port)
    {
        _root = root;
        _bin = bin;
        Port = port;
    }

    /// <summary>The TCP port on 127.0.0.1 (also names the unix socket).</summary>
    public int Port { get; private set; }

    private string DataDir => Path.Combine(_root, "data");

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>Creates and starts a cluster.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var bin = FindBinDir();
        var root = Directory.CreateTempSubdirectory("olp-pg-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            // The server runs as the postgres OS user and keeps its socket here.
            File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        var server = new PostgresServer(root, bin, FreePort());
        var pwfile = Path.Combine(root, "pw");
        await File.WriteAllTextAsync(pwfile, "postgres\n");
        if (IsRoot)
        {
            await RunAsync("chown", "-R", "postgres:postgres", root);
        }

        await RunAsPostgresAsync(Path.Combine(bin, "initdb"), "-D", server.DataDir, "-U", "postgres", "--pwfile", pwfile,
            "-E", "UTF8", "--locale=C", "--no-sync", "--auth-local=trust", "--auth-host=scram-sha-256");
        await File.AppendAllTextAsync(Path.Combine(server.DataDir, "postgresql.conf"), $"""

            listen_addresses = '127.0.0.1'
            unix_socket_directories = '{root}'
            shared_preload_libraries = 'pg_stat_statements'
            max_connections = 100
            # Safe for tests that crash the server (-m immediate): the OS keeps written data, unlike
            # synchronous_commit = off, which lost the last committed grants in such a test.
            fsync = off
            full_page_writes = off
            """);
        await server.StartAgainAsync();
        await using var conn = new NpgsqlConnection(server.AdminConnectionString("postgres"));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            $"CREATE ROLE {CollectorRole} LOGIN PASSWORD '{CollectorPassword}'; GRANT pg_read_all_stats TO {CollectorRole};", conn);
        await cmd.ExecuteNonQueryAsync();
        return server;
    }

    /// <summary>Superuser over the unix socket (trust), for fixtures.</summary>
    public string AdminConnectionString(string database) =>
        $"Host={_root};Port={Port};Username=postgres;Database={database};Pooling=false;Timeout=5";

    /// <summary>The collector's role over TCP on loopback with its password.</summary>
    public string CollectorConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={CollectorRole};Password={CollectorPassword};Database={database}";

    /// <summary>A fresh empty database name on this cluster.</summary>
    public string NextDatabaseName() => $"odoo_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";

    /// <summary>Starts (or restarts) the server on its port; a port taken meanwhile is replaced by another.</summary>
    public async Task StartAgainAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", DataDir, "-l", Path.Combine(_root, "server.log"),
                    "-o", $"-p {Port}", "-w", "-t", "60", "start");
                return;
            }
            catch (InvalidOperationException) when (attempt < 2)
            {
                Port = FreePort();
            }
        }
    }

    /// <summary>Stops the server at once, as a crash or a network cut would look to clients.</summary>
    public Task StopAsync() =>
        RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", DataDir, "-m", "immediate", "-w", "-t", "60", "stop");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped by a test.
        }

        Directory.Delete(_root, recursive: true);
    }

    private static Task RunAsPostgresAsync(string program, params string[] args) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", program, .. args]) : RunAsync(program, args);

    private static async Task RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr} {await stdout}");
        }
    }

    private static string FindBinDir()
    {
        var dirs = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Where(d => File.Exists(Path.Combine(d, "bin", "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .ToList()
            : [];
        return dirs.Count > 0
            ? Path.Combine(dirs[0], "bin")
            : throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install postgresql (scripts/test does)");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One PostgreSQL cluster for the whole test run, started once and stopped at the end.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    /// <summary>The shared cluster.</summary>
    public PostgresServer Server => _server ?? throw new InvalidOperationException("PostgreSQL not started");

    public async ValueTask InitializeAsync() => _server = await PostgresServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
