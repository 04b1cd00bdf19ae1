import { AppShell, Badge, Button, Group, NavLink, Stack, Text, TextInput, Title } from '@mantine/core';
import { canRead, homeOf, isOperator } from '@comms-credits/ops-console-model';
import { ReactNode, useState } from 'react';
import { Link, Navigate, Route, Routes, useLocation, useNavigate, useParams } from 'react-router-dom';
import { Forbidden } from './components/problem-alert';
import { CallsPage } from './pages/calls';
import { LicencesPage } from './pages/licences';
import { OperationsPage } from './pages/operations';
import { SignInPage } from './pages/sign-in';
import { TenantOverviewPage } from './pages/tenant-overview';
import { TenantsPage } from './pages/tenants';
import { TollFreePage } from './pages/toll-free';
import { WalletPage } from './pages/wallet';
import { useSession } from './session';

export function App() {
  const { session } = useSession();
  const location = useLocation();
  if (location.pathname === '/sign-in') return <SignInPage />;
  if (!session) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return (
    <Shell>
      <Routes>
        <Route path="/" element={<Navigate to={homeOf(session)} replace />} />
        <Route path="/tenants" element={<OperatorOnly what="the list of tenants">{<TenantsPage />}</OperatorOnly>} />
        <Route path="/operations" element={<OperatorOnly what="the operations page">{<OperationsPage />}</OperatorOnly>} />
        <Route path="/tenants/:tenantId" element={<TenantPage>{(t) => <TenantOverviewPage tenant={t} />}</TenantPage>} />
        <Route path="/tenants/:tenantId/calls" element={<TenantPage>{(t) => <CallsPage tenant={t} />}</TenantPage>} />
        <Route path="/tenants/:tenantId/wallet" element={<TenantPage>{(t) => <WalletPage tenant={t} />}</TenantPage>} />
        <Route path="/tenants/:tenantId/licences" element={<TenantPage>{(t) => <LicencesPage tenant={t} />}</TenantPage>} />
        <Route path="/tenants/:tenantId/toll-free" element={<TenantPage>{(t) => <TollFreePage tenant={t} />}</TenantPage>} />
        <Route
          path="*"
          element={
            <Text>
              Nothing here. <Link to="/">Home</Link>
            </Text>
          }
        />
      </Routes>
    </Shell>
  );
}

function OperatorOnly({ children, what }: { children: ReactNode; what: string }) {
  const { session } = useSession();
  return isOperator(session) ? <>{children}</> : <Forbidden what={what} />;
}

/** A tenant's page: shown to operators and that tenant's own users; anyone else is told it is forbidden. */
function TenantPage({ children }: { children: (tenant: string) => ReactNode }) {
  const { tenantId = '' } = useParams();
  const { session } = useSession();
  if (!canRead(session, tenantId)) return <Forbidden what={`tenant ${tenantId}`} />;
  return <>{children(tenantId)}</>;
}

const TENANT_PAGES = [
  ['', 'Overview'],
  ['/calls', 'Calls & usage'],
  ['/wallet', 'Wallet'],
  ['/licences', 'Licences & policies'],
  ['/toll-free', 'Toll-free numbers'],
] as const;

function Shell({ children }: { children: ReactNode }) {
  const { session, signOut } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const match = /^\/tenants\/([^/]+)/.exec(location.pathname);
  const current = match ? decodeURIComponent(match[1] ?? '') : (session?.tenant ?? null);
  const [jump, setJump] = useState('');
  const operator = isOperator(session);
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: 'sm' }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Title order={4}>comms-credits · ops console</Title>
          <Group gap="xs">
            <Text size="sm" data-testid="signed-in-as">
              {session?.sub}
            </Text>
            {session?.roles.map((r) => (
              <Badge key={r} variant="outline">
                {r}
                {r !== 'operator' && session.tenant ? ` · ${session.tenant}` : ''}
              </Badge>
            ))}
            <Button size="xs" variant="subtle" onClick={() => signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <Stack gap={2}>
          {operator ? <NavLink component={Link} to="/tenants" label="Tenants" active={location.pathname === '/tenants'} /> : null}
          {operator ? (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                if (jump.trim()) navigate(`/tenants/${encodeURIComponent(jump.trim())}`);
              }}
            >
              <TextInput size="xs" my={4} placeholder="open tenant…" value={jump} onChange={(e) => setJump(e.currentTarget.value)} aria-label="open tenant" />
            </form>
          ) : null}
          {current ? (
            <>
              <Text size="xs" c="dimmed" mt="sm" px="xs" tt="uppercase">
                tenant {current}
              </Text>
              {TENANT_PAGES.map(([suffix, label]) => {
                const to = `/tenants/${encodeURIComponent(current)}${suffix}`;
                return <NavLink key={suffix} component={Link} to={to} label={label} active={location.pathname === to} />;
              })}
            </>
          ) : null}
          {operator ? <NavLink component={Link} to="/operations" label="Operations" mt="sm" active={location.pathname === '/operations'} /> : null}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
