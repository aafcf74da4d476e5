/**
 * Live quality of one model version from the feedback given so far: accuracy for labels, mean absolute
 * and root mean squared error for values, and the mean of scores. Constant memory.
 */
export class QualityTally {
  labels = 0
  correct = 0
  values = 0
  absoluteError = 0
  squaredError = 0
  scores = 0
  scoreSum = 0

  /** Counts labels given for `predicted` rows; returns how many were right. */
  addLabels(predicted: number[], labels: number[]): number {
    let right = 0
    predicted.forEach((label, row) => {
      if (label === labels[row]) right++
    })
    this.labels += labels.length
    this.correct += right
    return right
  }

  /** Counts true values for the answered elements; returns this feedback's mean absolute error. */
  addValues(answered: number[], truth: number[]): number {
    let absolute = 0
    answered.forEach((value, index) => {
      const error = value - (truth[index] as number)
      absolute += Math.abs(error)
      this.squaredError += error * error
    })
    this.values += truth.length
    this.absoluteError += absolute
    return absolute / truth.length
  }

  addScore(score: number): void {
    this.scores++
    this.scoreSum += score
  }

  get accuracy(): number | undefined {
    return this.labels === 0 ? undefined : this.correct / this.labels
  }

  get meanAbsoluteError(): number | undefined {
    return this.values === 0 ? undefined : this.absoluteError / this.values
  }

  get rootMeanSquaredError(): number | undefined {
    return this.values === 0 ? undefined : Math.sqrt(this.squaredError / this.values)
  }

  get meanScore(): number | undefined {
    return this.scores === 0 ? undefined : this.scoreSum / this.scores
  }
}
