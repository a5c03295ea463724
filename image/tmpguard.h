/* tmpguard: a temporary output file removed when mt-image is interrupted.
 *
 * While armed, SIGINT, SIGTERM and SIGHUP unlink the file and the process then
 * dies of the signal (default action re-raised), so no half-written ISO, OVA or
 * tree stays behind. A signal the caller ignores (nohup) stays ignored; the
 * handlers found when arming are put back when disarming. One file at a time. */
#ifndef MT_TMPGUARD_H
#define MT_TMPGUARD_H

/* path: the temporary file to remove on a signal; NULL disarms (the file is
 * then the caller's again: renamed or removed by it). */
void tmpguard(const char *path);

#endif
