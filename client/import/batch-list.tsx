import type { Answer } from '../../server/schemas/api.ts';
import { minuteText } from '../format.ts';

type Batch = Answer<'GET /api/imports'>['batches'][number];

/** 导入记录: the batches imported, latest first, each with 撤销 until it is undone. */
export function BatchList({ batches, onUndo }: { batches: Batch[]; onUndo: (b: Batch) => void }) {
  return (
    <section className="import-step" data-step="batches">
      <h2>导入记录</h2>
      {batches.length === 0 ? (
        <p className="muted">还没有导入过</p>
      ) : (
        <table className="admin-table">
          <thead>
            <tr>
              <th>批次</th>
              <th>文件</th>
              <th>条数</th>
              <th>导入人</th>
              <th>时间</th>
              <th>状态</th>
            </tr>
          </thead>
          <tbody>
            {batches.map((b) => (
              <tr key={b.id} data-batch={b.id}>
                <td>{b.id}</td>
                <td>{b.filename}</td>
                <td>{b.rowsAdded}</td>
                <td>{b.createdBy}</td>
                <td>{minuteText(b.createdAt)}</td>
                <td>
                  {b.undoneAt ? (
                    `已撤销（${b.undoneBy}，${minuteText(b.undoneAt)}）`
                  ) : (
                    <button type="button" onClick={() => onUndo(b)} data-undo={b.id}>
                      撤销
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
