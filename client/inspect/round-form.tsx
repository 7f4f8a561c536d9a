import { useState } from 'react';
import type { Answer } from '../../server/schemas/api.ts';
import { ApiError, call } from '../api/client.ts';

type Round = Answer<'GET /api/inspections/rounds'>['rounds'][number];
type Kind = Round['kind'];

const KINDS: { code: Kind; name: string }[] = [
  { code: 'supervision', name: '督导检查' },
  { code: 'mock_evaluation', name: '模拟测评' },
  { code: 'unannounced', name: '暗访' },
  { code: 'recheck', name: '回头看（复查某一轮的不合格项）' },
];
const DEADLINES = [
  { code: 'category', name: '按问题类型时限' },
  { code: 'immediate', name: '立行立改（下一个工作日）' },
  { code: 'workdays', name: '指定工作日数' },
] as const;

/** A Shanghai date N days from today (YYYY-MM-DD). */
const dayFromNow = (days: number) => new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);

/**
 * 新建测评轮次 (admins): kind, name, dates, team, the deadline rule of the problems it finds, and
 * which sites — all, or a random sample stratified by site type (the same seed, the same sites); a
 * 回头看 names the round whose failed items it looks at again. The server checks it all again.
 */
export function RoundForm({ rounds, onCreated, onCancel }: { rounds: Round[]; onCreated: (id: number) => void; onCancel: () => void }) {
  const [kind, setKind] = useState<Kind>('supervision');
  const [name, setName] = useState('');
  const [startsOn, setStartsOn] = useState(dayFromNow(0));
  const [endsOn, setEndsOn] = useState(dayFromNow(4));
  const [team, setTeam] = useState('');
  const [deadline, setDeadline] = useState<(typeof DEADLINES)[number]['code']>('category');
  const [workdays, setWorkdays] = useState(3);
  const [sample, setSample] = useState<'all' | 'random'>('random');
  const [size, setSize] = useState(30);
  const [seed, setSeed] = useState('');
  const [recheckOf, setRecheckOf] = useState<number | ''>('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const earlier = rounds.filter((r) => r.kind !== 'recheck' && r.checked > 0);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const created = await call('POST /api/inspections/rounds', {
        body: {
          kind,
          name,
          startsOn,
          endsOn,
          team: team
            .split(/[,，、\s]+/)
            .map((t) => t.trim())
            .filter(Boolean),
          deadline: deadline === 'workdays' ? { workdays } : deadline,
          sample: sample === 'all' ? { mode: 'all' } : { mode: 'random', size, ...(seed.trim() !== '' && { seed: Number(seed) }) },
          ...(kind === 'recheck' && recheckOf !== '' && { recheckOf }),
        },
      });
      onCreated(created.id);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
      setBusy(false);
    }
  };

  return (
    <form
      className="round-form"
      data-round-form
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <button type="button" className="inspect-back" onClick={onCancel}>
        ‹ 全部轮次
      </button>
      <h2>新建测评轮次</h2>
      <label>
        类型
        <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          {KINDS.map((k) => (
            <option key={k.code} value={k.code}>
              {k.name}
            </option>
          ))}
        </select>
      </label>
      {kind === 'recheck' && (
        <label>
          复查哪一轮
          <select name="recheckOf" value={recheckOf} onChange={(e) => setRecheckOf(e.target.value === '' ? '' : Number(e.target.value))}>
            <option value="">请选择</option>
            {earlier.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}（{r.startsOn}）
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        名称
        <input name="name" required maxLength={60} value={name} onChange={(e) => setName(e.target.value)} placeholder="如：2026年12月督导检查" />
      </label>
      <div className="round-form-row">
        <label>
          开始
          <input type="date" name="startsOn" required value={startsOn} onChange={(e) => setStartsOn(e.target.value)} />
        </label>
        <label>
          结束
          <input type="date" name="endsOn" required value={endsOn} onChange={(e) => setEndsOn(e.target.value)} />
        </label>
      </div>
      <label>
        检查人员（用逗号或空格分开）
        <input name="team" value={team} onChange={(e) => setTeam(e.target.value)} placeholder="王建国，陈晓燕" />
      </label>
      <label>
        发现问题的整改时限
        <select name="deadline" value={deadline} onChange={(e) => setDeadline(e.target.value as typeof deadline)}>
          {DEADLINES.map((d) => (
            <option key={d.code} value={d.code}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      {deadline === 'workdays' && (
        <label>
          工作日数
          <input type="number" name="workdays" min={1} max={60} value={workdays} onChange={(e) => setWorkdays(Number(e.target.value))} />
        </label>
      )}
      {kind !== 'recheck' && (
        <fieldset>
          <legend>检查点位</legend>
          <label className="inline">
            <input type="radio" name="sample" checked={sample === 'random'} onChange={() => setSample('random')} />
            按点位类型分层随机抽取
          </label>
          {sample === 'random' && (
            <div className="round-form-row">
              <label>
                抽取个数
                <input type="number" name="size" min={1} max={2000} value={size} onChange={(e) => setSize(Number(e.target.value))} />
              </label>
              <label>
                随机种子（可不填）
                <input name="seed" inputMode="numeric" value={seed} onChange={(e) => setSeed(e.target.value.replace(/\D/g, ''))} />
              </label>
            </div>
          )}
          <label className="inline">
            <input type="radio" name="sample" checked={sample === 'all'} onChange={() => setSample('all')} />
            全部重点点位
          </label>
        </fieldset>
      )}
      {error && (
        <p className="inspect-note alert" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="inspect-submit" disabled={busy || name.trim() === ''}>
        {busy ? '正在创建…' : '创建'}
      </button>
    </form>
  );
}
