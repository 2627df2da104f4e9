import { KubernetesVersion, VERSIONS } from "../versions";

/** An EKS-optimized AL2023 AMI release as its alias names it: `v` and the build date. */
export const AL2023_AMI_RELEASE = /^v\d{8}$/;

/**
 * Why a release (of the `al2023AmiRelease` format) cannot run nodes of a Kubernetes version, or
 * undefined when it can. The release pinned for the version in `VERSIONS.al2023Ami` was checked to
 * hold its images; a newer release does too while EKS supports the version, but an older one may
 * predate it and hold none. The message says what to change and fits after the name of the field
 * that holds the release.
 */
export function al2023AmiProblem(
  amiVersion: string,
  kubernetesVersion: KubernetesVersion,
): string | undefined {
  const pinned = VERSIONS.al2023Ami[kubernetesVersion];
  // vYYYYMMDD: string order is date order.
  if (amiVersion < pinned) {
    return (
      `${amiVersion} is older than ${pinned}, the release checked to hold Kubernetes ` +
      `${kubernetesVersion} images (an older one may have none, and then no node launches); ` +
      `use ${pinned} or later, or leave it unset to follow kubernetesVersion`
    );
  }
  return undefined;
}
