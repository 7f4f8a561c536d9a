/**
 * Who may change a problem: pure rules shared by the server (which enforces them) and the client
 * (which only offers what the server will accept).
 */

export interface Actor {
  role: string;
  unitId: string | null;
  gridIds: readonly string[];
}

/**
 * The 创文办 (admin) anywhere, a grid manager in the grids assigned to them, a unit in the
 * problems assigned to it; leaders and display devices never.
 */
export function mayChangeProblem(actor: Actor, problem: { gridId: string; unitId: string | null }): boolean {
  switch (actor.role) {
    case 'admin':
      return true;
    case 'grid_manager':
      return actor.gridIds.includes(problem.gridId);
    case 'unit':
      return actor.unitId !== null && problem.unitId === actor.unitId;
    default:
      return false;
  }
}
