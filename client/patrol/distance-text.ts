/** A distance as the patrol pages write it: metres below a kilometre, else kilometres to one decimal. */
export const km = (m: number) => (m >= 1000 ? `${(m / 1000).toFixed(1)} 公里` : `${Math.round(m)} 米`);
